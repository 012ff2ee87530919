import { describe, expect, it } from 'vitest'
import { sequenceNumberOf, startingSequenceNumber } from '../mapping/sequence-numbers.ts'
import { checkpointPosition, millisBehind, nextUnprocessedOffset, recordsBehind } from './lag.ts'

const shard = { incarnation: 1_767_225_600_000, shardIndex: 3 }
const offsets = { earliest: 10, latest: 50 }

describe('checkpointPosition and recordsBehind', () => {
  it('after a sequence number: the records after it', () => {
    const position = checkpointPosition(sequenceNumberOf(shard, 39n), shard, offsets)
    expect(position).toEqual({ kind: 'offset', nextOffset: 40 })
    expect(recordsBehind(position, offsets)).toBe(10)
    expect(nextUnprocessedOffset(position, offsets)).toBe(40)
  })

  it('at the last record: caught up', () => {
    const position = checkpointPosition(sequenceNumberOf(shard, 49n), shard, offsets)
    expect(recordsBehind(position, offsets)).toBe(0)
    expect(nextUnprocessedOffset(position, offsets)).toBeUndefined()
  })

  it('TRIM_HORIZON: every retained record', () => {
    const position = checkpointPosition('TRIM_HORIZON', shard, offsets)
    expect(recordsBehind(position, offsets)).toBe(40)
    expect(nextUnprocessedOffset(position, offsets)).toBe(10)
  })

  it("the shard's starting sequence number: every retained record", () => {
    const position = checkpointPosition(startingSequenceNumber(shard), shard, { earliest: 0, latest: 7 })
    expect(recordsBehind(position, { earliest: 0, latest: 7 })).toBe(7)
  })

  it('a checkpoint older than retention counts from the oldest retained record', () => {
    const position = checkpointPosition(sequenceNumberOf(shard, 2n), shard, offsets)
    expect(recordsBehind(position, offsets)).toBe(40)
    expect(nextUnprocessedOffset(position, offsets)).toBe(10)
  })

  it('SHARD_END: nothing behind', () => {
    const position = checkpointPosition('SHARD_END', shard, offsets)
    expect(position).toEqual({ kind: 'shard-end' })
    expect(recordsBehind(position, offsets)).toBe(0)
  })

  it('LATEST, AT_TIMESTAMP, no checkpoint: unknown, with the reason', () => {
    for (const checkpoint of ['LATEST', 'AT_TIMESTAMP', undefined]) {
      const position = checkpointPosition(checkpoint, shard, offsets)
      expect(position.kind).toBe('unknown')
      expect(recordsBehind(position, offsets)).toBe(0)
    }
  })

  it("another shard's, another incarnation's or a foreign number: unknown", () => {
    const otherShard = sequenceNumberOf({ ...shard, shardIndex: 4 }, 1n)
    const earlierStream = sequenceNumberOf({ ...shard, incarnation: 1 }, 1n)
    expect(checkpointPosition(otherShard, shard, offsets)).toMatchObject({ kind: 'unknown' })
    expect(checkpointPosition(earlierStream, shard, offsets)).toMatchObject({ kind: 'unknown' })
    expect(
      checkpointPosition('49590338271490256608559692538361571095921575989136588898', shard, offsets),
    ).toEqual({
      kind: 'unknown',
      reason: 'the checkpoint is not a sequence number of this gateway',
    })
  })
})

describe('millisBehind', () => {
  it('is the age of the first unprocessed record, 0 when caught up, never negative', () => {
    expect(millisBehind(10_000, 7_500)).toBe(2_500)
    expect(millisBehind(10_000, undefined)).toBe(0)
    expect(millisBehind(10_000, 10_050)).toBe(0)
  })
})
