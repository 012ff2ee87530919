// What a reshard does to a stream's shard map, computed without touching anything: which open shards become
// parents and which shards are created. SplitShard and MergeShards are one step each; UpdateShardCount is a
// series of such steps (see uniformScalingPlan).

import { evenHashKeyRanges, HASH_KEY_COUNT, type HashKeyRange } from '../../mapping/hash-keys.ts'
import type { ShardRecord, StreamRecord } from '../../ports/stream-catalog.ts'
import { openShards } from '../catalog/shard-map.ts'

export interface ReshardPlan {
  /** Open shards that become parents: they close (see resharding.ts). */
  parents: number[]
  /**
   * The new shards in index order, from the stream's next index on. Most are open; the short-lived shards of
   * UpdateShardCount, which are parents themselves within the same plan, are created sealed and empty.
   */
  children: ShardRecord[]
}

/** SplitShard: two children, the lower one ending just below `newStartingHashKey`, the upper one starting at it. */
export function splitPlan(
  stream: StreamRecord,
  parent: ShardRecord,
  newStartingHashKey: bigint,
  nowMillis: number,
): ReshardPlan {
  const lineage = new LineageBuilder(stream, nowMillis)
  lineage.split(pieceOf(parent), newStartingHashKey)
  return lineage.plan()
}

/** MergeShards: one child whose parent is the lower shard and whose adjacent parent is the upper one. */
export function mergePlan(
  stream: StreamRecord,
  lower: ShardRecord,
  upper: ShardRecord,
  nowMillis: number,
): ReshardPlan {
  const lineage = new LineageBuilder(stream, nowMillis)
  lineage.merge(pieceOf(lower), pieceOf(upper))
  return lineage.plan()
}

/**
 * UpdateShardCount with UNIFORM_SCALING: `targetCount` open shards with the ranges CreateStream would give that
 * many shards, reached by a series of splits and merges so that every shard has at most two parents (a split
 * child has one, a merge child two), as Kinesis consumers expect.
 *
 * 1. Target boundaries: the starting hash keys of `evenHashKeyRanges(targetCount)`, except that one within
 *    SNAP_FRACTION of a target shard's width of an existing open shard boundary takes that boundary instead,
 *    so that doubling, halving and repeated scaling leave the shards that already fit alone.
 * 2. Splits: each open shard with target boundaries inside it is split at the lowest one, the upper child at
 *    the next one, and so on.
 * 3. Merges: the pieces that make up one target range are merged from the lowest up, each merge taking the
 *    result so far as ParentShardId and the next piece as AdjacentParentShardId.
 *
 * Children that step 3 consumes again are short-lived: created sealed and empty, they are only lineage. Open
 * shards that already have a target range stay open. Resolves to undefined when nothing needs to change.
 */
export function uniformScalingPlan(
  stream: StreamRecord,
  targetCount: number,
  nowMillis: number,
): ReshardPlan | undefined {
  const open = openShards(stream)
    .map(pieceOf)
    .sort((a, b) => compare(a.range.start, b.range.start))
  const targetStarts = targetBoundaries(
    open.map((piece) => piece.range.start),
    targetCount,
  )
  const lineage = new LineageBuilder(stream, nowMillis)

  const pieces: Piece[] = []
  // Both lists are in key order: one pass over the target boundaries serves every shard.
  let next = 0
  for (const shard of open) {
    while (next < targetStarts.length && (targetStarts[next] as bigint) <= shard.range.start) next++
    let rest = shard
    for (; next < targetStarts.length && (targetStarts[next] as bigint) <= shard.range.end; next++) {
      const [lower, upper] = lineage.split(rest, targetStarts[next] as bigint)
      pieces.push(lower)
      rest = upper
    }
    pieces.push(rest)
  }

  const isTargetStart = new Set([0n, ...targetStarts])
  let merged: Piece | undefined
  for (const piece of pieces) {
    merged =
      merged === undefined || isTargetStart.has(piece.range.start) ? piece : lineage.merge(merged, piece)
  }
  return lineage.isEmpty() ? undefined : lineage.plan()
}

/**
 * How far (as a fraction of a target shard's width) a target boundary may move to an existing one: 1/1000,
 * far below any difference in load the hash of partition keys could show.
 */
export const SNAP_FRACTION = 1000n

/** The starting hash keys of target shards 1 .. targetCount - 1 (shard 0 starts at 0). */
export function targetBoundaries(existingStarts: readonly bigint[], targetCount: number): bigint[] {
  const tolerance = HASH_KEY_COUNT / BigInt(targetCount) / SNAP_FRACTION
  const sorted = [...existingStarts].sort(compare)
  return evenHashKeyRanges(targetCount)
    .slice(1)
    .map(({ start }) => {
      const nearest = nearestOf(sorted, start)
      return nearest !== undefined && absolute(nearest - start) <= tolerance ? nearest : start
    })
}

/** A shard as the plan sees it. */
interface Piece {
  readonly index: number
  readonly range: HashKeyRange
}

function pieceOf(shard: ShardRecord): Piece {
  return {
    index: shard.index,
    range: { start: BigInt(shard.startingHashKey), end: BigInt(shard.endingHashKey) },
  }
}

/** Records splits and merges, giving each new shard the next index. */
class LineageBuilder {
  private readonly firstNewIndex: number
  private readonly created: ShardRecord[] = []
  /** Shards that became parents in this plan. */
  private readonly consumed = new Set<number>()

  constructor(
    stream: StreamRecord,
    private readonly nowMillis: number,
  ) {
    this.firstNewIndex = stream.shards.reduce((next, shard) => Math.max(next, shard.index + 1), 0)
  }

  split(parent: Piece, newStartingHashKey: bigint): [lower: Piece, upper: Piece] {
    const { start, end } = parent.range
    if (newStartingHashKey <= start || newStartingHashKey > end) {
      throw new RangeError(`${newStartingHashKey} does not split [${start}, ${end}]`)
    }
    this.consumed.add(parent.index)
    return [
      this.create({ start, end: newStartingHashKey - 1n }, { parentIndex: parent.index }),
      this.create({ start: newStartingHashKey, end }, { parentIndex: parent.index }),
    ]
  }

  merge(lower: Piece, upper: Piece): Piece {
    if (lower.range.end + 1n !== upper.range.start) {
      throw new RangeError(`shards ${lower.index} and ${upper.index} are not adjacent`)
    }
    this.consumed.add(lower.index)
    this.consumed.add(upper.index)
    return this.create(
      { start: lower.range.start, end: upper.range.end },
      { parentIndex: lower.index, adjacentParentIndex: upper.index },
    )
  }

  isEmpty(): boolean {
    return this.created.length === 0
  }

  plan(): ReshardPlan {
    return {
      parents: [...this.consumed].filter((index) => index < this.firstNewIndex).sort((a, b) => a - b),
      children: this.created.map((shard) =>
        this.consumed.has(shard.index)
          ? { ...shard, endingOffset: 0, closedAtMillis: this.nowMillis }
          : shard,
      ),
    }
  }

  private create(
    range: HashKeyRange,
    lineage: Pick<ShardRecord, 'parentIndex' | 'adjacentParentIndex'>,
  ): Piece {
    const index = this.firstNewIndex + this.created.length
    this.created.push({
      index,
      ...lineage,
      startingHashKey: range.start.toString(),
      endingHashKey: range.end.toString(),
      createdAtMillis: this.nowMillis,
    })
    return { index, range }
  }
}

function nearestOf(sorted: readonly bigint[], value: bigint): bigint | undefined {
  let low = 0
  let high = sorted.length - 1
  while (low <= high) {
    const middle = (low + high) >>> 1
    if ((sorted[middle] as bigint) < value) low = middle + 1
    else high = middle - 1
  }
  // sorted[low] is the first at or above value, sorted[high] the last below it.
  const above = sorted[low]
  const below = sorted[high]
  if (above === undefined) return below
  if (below === undefined) return above
  return above - value <= value - below ? above : below
}

function absolute(value: bigint): bigint {
  return value < 0n ? -value : value
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0
}
