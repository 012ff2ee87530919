import { Kafka, logLevel } from 'kafkajs'
import { describe, expect, it } from 'vitest'

import { KafkaGroupMember, assignSlices } from './kafka-consumer-groups.ts'

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

describe('sharing the slices of a sliced group', () => {
  it('gives every slice to the first member when none owns one yet', () => {
    expect(assignSlices(1, [[], []])).toEqual([0])
    expect(assignSlices(3, [[]])).toEqual([0, 0, 0])
  })

  it('spreads unowned slices over the members with the fewest', () => {
    expect(assignSlices(4, [[], []])).toEqual([0, 1, 0, 1])
    expect(assignSlices(3, [[], [], [], []])).toEqual([0, 1, 2])
  })

  it('keeps the one slice with its owner when a standby joins, wherever the owner sorts', () => {
    expect(assignSlices(1, [[], [0]])).toEqual([1])
    expect(assignSlices(1, [[0], [], []])).toEqual([0])
  })

  it('moves only what evenness needs when a member joins: the owner keeps its share', () => {
    expect(assignSlices(4, [[], [0, 1, 2, 3]])).toEqual([1, 1, 0, 0])
    expect(assignSlices(3, [[0, 1, 2], []])).toEqual([0, 0, 1])
  })

  it('gives a departed member its slices to the others, keeping theirs', () => {
    // Three members owned 0-1, 2-3, 4; the second left.
    expect(assignSlices(5, [[0, 1], [4]])).toEqual([0, 0, 1, 0, 1])
  })

  it('ignores slices a member claims that do not exist or another member kept first', () => {
    expect(assignSlices(2, [[0, 7], [0]])).toEqual([0, 1])
  })
})
