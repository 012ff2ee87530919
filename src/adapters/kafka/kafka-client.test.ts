import { describe, expect, it } from 'vitest'

import { createKafkaClient } from './kafka-client.ts'

describe('createKafkaClient logging', () => {
  function logsOf(log: (logger: ReturnType<ReturnType<typeof createKafkaClient>['logger']>) => void) {
    const entries: { level: string; message: string }[] = []
    const kafka = createKafkaClient({
      brokers: ['127.0.0.1:1'],
      clientId: 'test',
      onLog: (level, message) => entries.push({ level, message }),
    })
    log(kafka.logger())
    return entries
  }

  it('passes broker error responses on as debug, other errors and warnings as they are', () => {
    const entries = logsOf((logger) => {
      logger.error('Response Fetch(key: 1, version: 11)', {
        error: 'This server does not host this topic-partition',
      })
      logger.error('Connection error: connect ECONNREFUSED', {})
      logger.warn('KafkaJS v2.0.0 switched default partitioner', {})
    })
    expect(entries).toEqual([
      { level: 'debug', message: 'Response Fetch(key: 1, version: 11)' },
      { level: 'error', message: 'Connection error: connect ECONNREFUSED' },
      { level: 'warn', message: 'KafkaJS v2.0.0 switched default partitioner' },
    ])
  })

  it('drops the warning about the bounded retries it chose', () => {
    const entries = logsOf((logger) => {
      logger.warn('Limiting retries for the idempotent producer may invalidate EoS guarantees', {})
    })
    expect(entries).toEqual([])
  })
})
