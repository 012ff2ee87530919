import { describe, expect, it } from 'vitest'

import { kafkaFiles, renderKafkaLog4j2Properties, renderKafkaServerProperties } from './kafka.ts'

function parseProperties(text: string): Map<string, string> {
  return new Map(
    text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const separator = line.indexOf('=')
        return [line.slice(0, separator), line.slice(separator + 1)]
      }),
  )
}

describe('renderKafkaServerProperties', () => {
  const properties = parseProperties(
    renderKafkaServerProperties({ port: 19092, controllerPort: 19093, dataDir: '/stack/kafka/data' }),
  )

  it('configures one combined broker and controller with static voters on 127.0.0.1', () => {
    expect(properties.get('process.roles')).toBe('broker,controller')
    expect(properties.get('node.id')).toBe('1')
    expect(properties.get('controller.quorum.voters')).toBe('1@127.0.0.1:19093')
    expect(properties.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093')
    expect(properties.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19092')
    expect(properties.get('controller.listener.names')).toBe('CONTROLLER')
    expect(properties.get('listener.security.protocol.map')).toBe('CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT')
    expect(properties.get('log.dirs')).toBe('/stack/kafka/data')
  })

  it('creates no topic implicitly and keeps internal topics at one replica', () => {
    expect(properties.get('auto.create.topics.enable')).toBe('false')
    expect(properties.get('num.partitions')).toBe('1')
    expect(properties.get('offsets.topic.replication.factor')).toBe('1')
    expect(properties.get('transaction.state.log.replication.factor')).toBe('1')
    expect(properties.get('transaction.state.log.min.isr')).toBe('1')
    expect(properties.get('group.initial.rebalance.delay.ms')).toBe('0')
  })

  it('accepts record batches well above 10 MiB', () => {
    expect(Number(properties.get('message.max.bytes'))).toBeGreaterThan(10 * 1024 * 1024)
    expect(Number(properties.get('replica.fetch.max.bytes'))).toBe(
      Number(properties.get('message.max.bytes')),
    )
  })
})

describe('renderKafkaLog4j2Properties', () => {
  it('logs at INFO into the given file only', () => {
    const config = parseProperties(
      renderKafkaLog4j2Properties('/stack/kafka/server.log')
        .split('\n')
        .map((line) => line.replace(' = ', '='))
        .join('\n'),
    )
    expect(config.get('appender.file.fileName')).toBe('/stack/kafka/server.log')
    expect(config.get('rootLogger.level')).toBe('INFO')
    expect(config.get('rootLogger.appenderRef.file.ref')).toBe('file')
    expect(
      [...config.keys()].filter((key) => key.endsWith('.type') && config.get(key) === 'Console'),
    ).toEqual([])
  })
})

describe('kafkaFiles', () => {
  it('keeps configuration and data under the stack dir, the pid file beside the other servers', () => {
    expect(kafkaFiles('/stack')).toEqual({
      workDir: '/stack/kafka',
      dataDir: '/stack/kafka/data',
      serverProperties: '/stack/kafka/server.properties',
      log4jConfig: '/stack/kafka/log4j2.properties',
      serverLog: '/stack/kafka/server.log',
      pidFile: '/stack/kafka.pid',
      outputFile: '/stack/kafka.log',
    })
  })
})
