import { Kafka, logLevel } from 'kafkajs'
import { describe, expect, it } from 'vitest'

import { KafkaGroupMember } from './kafka-consumer-groups.ts'

/**
 * A crashed kafkajs consumer waiting to restart has no consumer group, and kafkajs's pause and resume throw
 * then ("Consumer group was not initialized"). A delivery worker stopping pauses first: had that thrown, the
 * worker would never disconnect, and the consumer would restart by itself for ever (seen when several delivery
 * streams were deleted at once). A consumer that never ran is in the same state, without a broker.
 */
describe('a consumer group member whose consumer has no group (crashed, restarting)', () => {
  const kafka = new Kafka({ clientId: 'test', brokers: ['127.0.0.1:1'], logLevel: logLevel.NOTHING })

  it('pauses and resumes without throwing, and stops (disconnects)', async () => {
    const consumer = kafka.consumer({ groupId: 'no-group-yet' })
    expect(() => {
      consumer.pause([{ topic: 't' }])
    }).toThrow(/Consumer group was not initialized/)

    const member = new KafkaGroupMember(consumer, 't')
    expect(() => {
      member.pause()
    }).not.toThrow()
    expect(() => {
      member.resume()
    }).not.toThrow()
    await expect(member.stop()).resolves.toBeUndefined()
  })
})
