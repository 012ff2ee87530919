import { afterEach, describe, expect, it } from 'vitest'

import type { StoredRecord } from '../../ports/record-log.ts'
import { WaitingRecordLog } from '../../../test/support/streams/waiting-record-log.ts'
import { ShardTails, type ShardReader } from './shard-tail.ts'

const TOPIC = 'topic'
const LIMITS = { waitMs: 50, maxRecords: 10_000, maxBytes: 1024 * 1024, queuedBatches: 2 }

const readers: ShardReader[] = []

afterEach(() => {
  for (const reader of readers.splice(0)) reader.close()
})

async function setUp(partitions = 1): Promise<{ log: WaitingRecordLog; tails: ShardTails }> {
  const log = new WaitingRecordLog()
  await log.createTopic(TOPIC, partitions, {})
  return { log, tails: new ShardTails(log, LIMITS) }
}

function open(tails: ShardTails, fromOffset: number, partition = 0): ShardReader {
  const reader = tails.reader(TOPIC, partition, fromOffset)
  readers.push(reader)
  return reader
}

async function append(log: WaitingRecordLog, ...values: string[]): Promise<void> {
  await log.append(
    TOPIC,
    values.map((value) => ({ partition: 0, key: Buffer.from('k'), value: Buffer.from(value) })),
  )
}

function values(records: readonly StoredRecord[] | undefined): string[] {
  return (records ?? []).map((record) => record.value?.toString() ?? '')
}

/** Everything the reader hands out until it has nothing for `quietMs`. */
async function drain(reader: ShardReader, quietMs = 100): Promise<string[]> {
  const seen: string[] = []
  for (;;) {
    const batch = await reader.next(quietMs)
    if (batch === undefined) return seen
    seen.push(...values(batch.records))
  }
}

describe('ShardTails', () => {
  it('catches a reader up from an old offset, then pushes new records to it', async () => {
    const { log, tails } = await setUp()
    await append(log, 'a', 'b', 'c')
    const reader = open(tails, 1)
    expect(values((await reader.next(100))?.records)).toEqual(['b', 'c'])
    expect(await reader.next(60)).toBeUndefined()
    expect(reader.isJoined).toBe(true)
    const pending = reader.next(1000)
    await append(log, 'd')
    expect(values((await pending)?.records)).toEqual(['d'])
    expect(reader.position).toBe(4)
  })

  it('serves every reader at the end of a partition with one upstream read', async () => {
    const { log, tails } = await setUp()
    const group = [open(tails, 0), open(tails, 0), open(tails, 0)]
    await Promise.all(group.map((reader) => reader.next(60)))
    expect(tails.runningTails).toBe(1)
    const pending = group.map((reader) => reader.next(1000))
    await append(log, 'x')
    for (const batch of await Promise.all(pending)) expect(values(batch?.records)).toEqual(['x'])
    expect(log.mostConcurrentWaits.get(`${TOPIC}/0`)).toBe(1)
  })

  it('holds at most a few batches for a reader that does not take them, which then catches up alone', async () => {
    const { log, tails } = await setUp()
    const slow = open(tails, 0)
    const fast = open(tails, 0)
    await Promise.all([slow.next(60), fast.next(60)])
    const expected: string[] = []
    const fastSeen: string[] = []
    for (let index = 0; index < 20; index++) {
      const pending = fast.next(1000)
      await append(log, `r${index}`)
      expected.push(`r${index}`)
      fastSeen.push(...values((await pending)?.records))
      expect(slow.queuedBatchCount).toBeLessThanOrEqual(LIMITS.queuedBatches)
    }
    expect(fastSeen).toEqual(expected)
    expect(slow.isJoined).toBe(false)
    expect(await drain(slow)).toEqual(expected)
    expect(slow.isJoined).toBe(true)
  })

  it('hands a reader that fell behind its queued batches as one, within the read limits', async () => {
    const log = new WaitingRecordLog()
    await log.createTopic(TOPIC, 1, {})
    const tails = new ShardTails(log, { ...LIMITS, queuedBatches: 4, maxRecords: 3 })
    const behind = open(tails, 0)
    const pacer = open(tails, 0)
    await Promise.all([behind.next(60), pacer.next(60)])
    for (const value of ['a', 'b', 'c', 'd']) {
      const pending = pacer.next(1000)
      await append(log, value)
      await pending
    }
    expect(behind.queuedBatchCount).toBe(4)
    expect(values((await behind.next(0))?.records)).toEqual(['a', 'b', 'c'])
    expect(values((await behind.next(0))?.records)).toEqual(['d'])
    expect(behind.position).toBe(4)
  })

  it('stops the upstream read when the last reader leaves', async () => {
    const { tails } = await setUp()
    const reader = open(tails, 0)
    await reader.next(60)
    expect(tails.runningTails).toBe(1)
    reader.close()
    expect(tails.runningTails).toBe(0)
  })

  it('skips records that retention removed', async () => {
    const { log, tails } = await setUp()
    await append(log, 'a', 'b', 'c')
    log.trim(TOPIC, 0, 2)
    const reader = open(tails, 0)
    expect(values((await reader.next(100))?.records)).toEqual(['c'])
  })

  it('passes a failed upstream read on to its readers', async () => {
    const { log, tails } = await setUp()
    const reader = open(tails, 0)
    await reader.next(60)
    await log.deleteTopic(TOPIC)
    await expect(reader.next(1000)).rejects.toMatchObject({ name: 'TopicNotFoundError' })
  })
})
