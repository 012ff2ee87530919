import { describe, expect, it } from 'vitest'

import { evenHashKeyRanges, HASH_KEY_COUNT, HashKeyRouter, MAX_HASH_KEY } from '../../mapping/hash-keys.ts'
import type { ShardRecord, StreamRecord } from '../../ports/stream-catalog.ts'
import { mergePlan, SNAP_FRACTION, splitPlan, uniformScalingPlan, type ReshardPlan } from './reshard-plans.ts'
import { initialShards, isOpen, openShards } from '../catalog/shard-map.ts'

const NOW = 1_000

function streamOf(shards: ShardRecord[]): StreamRecord {
  return {
    accountId: '123456789012',
    region: 'us-east-1',
    streamName: 'plans',
    streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/plans',
    topic: 'plans',
    incarnation: 1,
    createdAtMillis: 0,
    status: 'ACTIVE',
    mode: 'PROVISIONED',
    retentionPeriodHours: 24,
    encryption: { type: 'NONE' },
    shardLevelMetrics: [],
    maxRecordSizeKiB: 1024,
    shards,
    tags: {},
    version: 1,
  }
}

/** The stream after the plan, with the parents sealed. */
function applied(stream: StreamRecord, plan: ReshardPlan): StreamRecord {
  const parents = new Set(plan.parents)
  return {
    ...stream,
    shards: [
      ...stream.shards.map((shard) =>
        parents.has(shard.index) ? { ...shard, endingOffset: 0, closedAtMillis: NOW } : shard,
      ),
      ...plan.children,
    ],
  }
}

function rangeOf(shard: ShardRecord) {
  return { start: BigInt(shard.startingHashKey), end: BigInt(shard.endingHashKey) }
}

/** Checks what every reshard must leave: lineage with at most two adjacent parents, and a covered key space. */
function expectSoundLineage(before: StreamRecord, plan: ReshardPlan): StreamRecord {
  const after = applied(before, plan)
  const byIndex = new Map(after.shards.map((shard) => [shard.index, shard]))
  const openBefore = new Set(openShards(before).map((shard) => shard.index))
  const firstNew = before.shards.length
  expect(plan.children.map((shard) => shard.index)).toEqual(
    plan.children.map((_shard, position) => firstNew + position),
  )
  for (const parent of plan.parents) expect(openBefore.has(parent)).toBe(true)
  for (const child of plan.children) {
    const parent = byIndex.get(child.parentIndex ?? -1)
    expect(parent).toBeDefined()
    expect(parent?.index).toBeLessThan(child.index)
    const range = rangeOf(child)
    if (child.adjacentParentIndex === undefined) {
      // A split child lies inside its parent.
      const parentRange = rangeOf(parent as ShardRecord)
      expect(range.start >= parentRange.start && range.end <= parentRange.end).toBe(true)
    } else {
      // A merge child is exactly its two adjacent parents.
      const adjacent = byIndex.get(child.adjacentParentIndex) as ShardRecord
      expect(adjacent.index).toBeLessThan(child.index)
      expect(BigInt((parent as ShardRecord).endingHashKey) + 1n).toBe(BigInt(adjacent.startingHashKey))
      expect(range).toEqual({ start: rangeOf(parent as ShardRecord).start, end: rangeOf(adjacent).end })
    }
    // A short-lived child is sealed and empty; every sealed one is a parent within the plan.
    if (!isOpen(child)) {
      expect(child).toMatchObject({ endingOffset: 0, closedAtMillis: NOW })
      expect(
        plan.children.some(
          (other) => other.parentIndex === child.index || other.adjacentParentIndex === child.index,
        ),
      ).toBe(true)
    }
  }
  const router = new HashKeyRouter(
    openShards(after).map((shard) => ({ shardIndex: shard.index, range: rangeOf(shard) })),
  )
  expect(router.coversKeySpace()).toBe(true)
  return after
}

function expectEvenRanges(stream: StreamRecord, count: number): void {
  const open = openShards(stream).sort((a, b) => (rangeOf(a).start < rangeOf(b).start ? -1 : 1))
  expect(open).toHaveLength(count)
  const tolerance = HASH_KEY_COUNT / BigInt(count) / SNAP_FRACTION
  evenHashKeyRanges(count).forEach((ideal, position) => {
    const { start, end } = rangeOf(open[position] as ShardRecord)
    expect(start - ideal.start <= tolerance && ideal.start - start <= tolerance).toBe(true)
    expect(end - ideal.end <= tolerance && ideal.end - end <= tolerance).toBe(true)
  })
}

describe('splitPlan and mergePlan', () => {
  it('splits a shard into two children with the next indices', () => {
    const stream = streamOf(initialShards(2, 0))
    const parent = stream.shards[1] as ShardRecord
    const plan = splitPlan(stream, parent, 2n ** 127n + 5n, NOW)
    expect(plan.parents).toEqual([1])
    expect(plan.children).toEqual([
      {
        index: 2,
        parentIndex: 1,
        startingHashKey: parent.startingHashKey,
        endingHashKey: (2n ** 127n + 4n).toString(),
        createdAtMillis: NOW,
      },
      {
        index: 3,
        parentIndex: 1,
        startingHashKey: (2n ** 127n + 5n).toString(),
        endingHashKey: MAX_HASH_KEY.toString(),
        createdAtMillis: NOW,
      },
    ])
    expectSoundLineage(stream, plan)
  })

  it('merges two adjacent shards into one child with both as parents', () => {
    const stream = streamOf(initialShards(3, 0))
    const plan = mergePlan(stream, stream.shards[1] as ShardRecord, stream.shards[2] as ShardRecord, NOW)
    expect(plan).toEqual({
      parents: [1, 2],
      children: [
        {
          index: 3,
          parentIndex: 1,
          adjacentParentIndex: 2,
          startingHashKey: stream.shards[1]?.startingHashKey,
          endingHashKey: MAX_HASH_KEY.toString(),
          createdAtMillis: NOW,
        },
      ],
    })
    expectSoundLineage(stream, plan)
  })
})

describe('uniformScalingPlan', () => {
  const pairs: [number, number][] = [
    [1, 2],
    [2, 4],
    [4, 2],
    [2, 3],
    [3, 2],
    [3, 6],
    [6, 3],
    [4, 5],
    [5, 3],
    [5, 4],
    [7, 13],
    [10, 13],
    [13, 7],
    [16, 9],
    [9, 16],
    [25, 50],
    [50, 26],
    [100, 199],
    [200, 101],
  ]

  it.each(pairs)('scales %i even shards to exactly %i even ones', (from, to) => {
    const stream = streamOf(initialShards(from, 0))
    const plan = uniformScalingPlan(stream, to, NOW)
    expect(plan).toBeDefined()
    const after = expectSoundLineage(stream, plan as ReshardPlan)
    expectEvenRanges(after, to)
  })

  it('keeps shards that already have a target range: doubling splits each once, halving merges pairs', () => {
    const doubled = uniformScalingPlan(streamOf(initialShards(3, 0)), 6, NOW) as ReshardPlan
    expect(doubled.parents).toEqual([0, 1, 2])
    expect(doubled.children).toHaveLength(6)
    expect(doubled.children.every(isOpen)).toBe(true)
    const halved = uniformScalingPlan(streamOf(initialShards(4, 0)), 2, NOW) as ReshardPlan
    expect(halved.children.map((shard) => [shard.parentIndex, shard.adjacentParentIndex])).toEqual([
      [0, 1],
      [2, 3],
    ])
  })

  it('changes nothing when the open shards already split the key space evenly', () => {
    expect(uniformScalingPlan(streamOf(initialShards(5, 0)), 5, NOW)).toBeUndefined()
  })

  it('evens out shards that SplitShard and MergeShards left uneven', () => {
    let stream = streamOf(initialShards(3, 0))
    stream = applied(stream, splitPlan(stream, stream.shards[0] as ShardRecord, 12345n, NOW))
    stream = applied(
      stream,
      mergePlan(stream, stream.shards[1] as ShardRecord, stream.shards[2] as ShardRecord, NOW),
    )
    const plan = uniformScalingPlan(stream, 3, NOW) as ReshardPlan
    expectEvenRanges(expectSoundLineage(stream, plan), 3)
  })

  it('stays sound across repeated scaling', () => {
    let stream = streamOf(initialShards(3, 0))
    for (const target of [6, 4, 7, 5, 9, 18, 10, 11, 6]) {
      const plan = uniformScalingPlan(stream, target, NOW)
      if (plan === undefined) continue
      stream = expectSoundLineage(stream, plan)
      expectEvenRanges(stream, target)
    }
  })
})
