// The 128-bit hash key space that routes records to shards.
//
// A record's hash key is MD5(partition key as UTF-8) read as an unsigned big-endian integer, or its
// ExplicitHashKey. Each open shard owns an inclusive range [start, end] of that space; together the open
// shards cover 0 .. 2^128 - 1 without overlap.
//
// The data path routes with a hash key written as 32 lowercase hexadecimal digits (HexHashKey): MD5 gives
// it directly, and because the width is fixed, comparing two as strings orders them as numbers. Parsing the
// digest into a BigInt cost as much as the digest itself, for every record of a PutRecords.

import { hash } from 'node:crypto'

/** How many hash keys there are: 2^128. */
export const HASH_KEY_COUNT = 1n << 128n

/** The largest hash key: 2^128 - 1 = 340282366920938463463374607431768211455. */
export const MAX_HASH_KEY = HASH_KEY_COUNT - 1n

/** An inclusive range of hash keys, as a shard's HashKeyRange. */
export interface HashKeyRange {
  readonly start: bigint
  readonly end: bigint
}

/** A HashKeyRange as the Kinesis API shows it: decimal strings. */
export interface AwsHashKeyRange {
  StartingHashKey: string
  EndingHashKey: string
}

/**
 * A hash key as exactly 32 lowercase hexadecimal digits. Branded so that no other string (a decimal
 * ExplicitHashKey, say) can be routed by mistake: only the functions below make one.
 */
export type HexHashKey = string & { readonly hexHashKey: unique symbol }

export function hashKeyOfPartitionKey(partitionKey: string): HexHashKey {
  // The one-shot hash avoids creating a Hash object per record (PutRecords hashes up to 500 keys a call).
  return hash('md5', partitionKey, 'hex') as HexHashKey
}

/** `hashKey` (0 .. 2^128 - 1) as a HexHashKey. */
export function toHexHashKey(hashKey: bigint): HexHashKey {
  return hashKey.toString(16).padStart(32, '0') as HexHashKey
}

export function fromHexHashKey(hashKey: HexHashKey): bigint {
  return BigInt(`0x${hashKey}`)
}

export type HashKeyParsing =
  | { readonly ok: true; readonly hashKey: bigint }
  | { readonly ok: false; readonly reason: 'not-decimal' | 'out-of-range' }

/**
 * Parses a decimal hash key such as an ExplicitHashKey or NewStartingHashKey. The service model's pattern
 * `0|([1-9]\d{0,38})` admits values up to 10^39 - 1; Kinesis rejects those above 2^128 - 1 with
 * InvalidArgumentException, hence the separate 'out-of-range' reason.
 */
export function parseHashKey(text: string): HashKeyParsing {
  if (!/^(?:0|[1-9]\d*)$/.test(text)) return { ok: false, reason: 'not-decimal' }
  const hashKey = BigInt(text)
  if (hashKey > MAX_HASH_KEY) return { ok: false, reason: 'out-of-range' }
  return { ok: true, hashKey }
}

/**
 * Splits the key space into `shardCount` ranges as CreateStream does: every shard gets
 * floor(2^128 / shardCount) keys and the last one also takes the remainder.
 */
export function evenHashKeyRanges(shardCount: number): HashKeyRange[] {
  if (!Number.isSafeInteger(shardCount) || shardCount < 1) {
    throw new RangeError(`shardCount must be a positive integer, got ${shardCount}`)
  }
  const width = HASH_KEY_COUNT / BigInt(shardCount)
  const ranges: HashKeyRange[] = []
  for (let index = 0; index < shardCount; index++) {
    const start = width * BigInt(index)
    const end = index === shardCount - 1 ? MAX_HASH_KEY : start + width - 1n
    ranges.push({ start, end })
  }
  return ranges
}

export function toAwsHashKeyRange(range: HashKeyRange): AwsHashKeyRange {
  return { StartingHashKey: range.start.toString(), EndingHashKey: range.end.toString() }
}

export function fromAwsHashKeyRange(range: AwsHashKeyRange): HashKeyRange {
  return { start: BigInt(range.StartingHashKey), end: BigInt(range.EndingHashKey) }
}

export function rangeContains(range: HashKeyRange, hashKey: bigint): boolean {
  return range.start <= hashKey && hashKey <= range.end
}

/**
 * Whether SplitShard accepts `newStartingHashKey` for a shard with this range. Kinesis requires it to be
 * "greater than one plus the shard's StartingHashKey and less than the shard's EndingHashKey".
 */
export function isValidSplitHashKey(parent: HashKeyRange, newStartingHashKey: bigint): boolean {
  return newStartingHashKey > parent.start + 1n && newStartingHashKey < parent.end
}

/** The two children of a split: the lower one ends just below `newStartingHashKey`, the upper one starts at it. */
export function splitHashKeyRange(
  parent: HashKeyRange,
  newStartingHashKey: bigint,
): readonly [lower: HashKeyRange, upper: HashKeyRange] {
  if (!isValidSplitHashKey(parent, newStartingHashKey)) {
    throw new RangeError(`${newStartingHashKey} does not split [${parent.start}, ${parent.end}]`)
  }
  return [
    { start: parent.start, end: newStartingHashKey - 1n },
    { start: newStartingHashKey, end: parent.end },
  ]
}

/**
 * Where UpdateShardCount (UNIFORM_SCALING) splits a range in two halves: the first key of the upper half.
 * Halving the whole key space this way gives the same ranges as CreateStream with two shards, and halving
 * those gives the ranges of four. Valid as a split key for any range of at least five keys.
 */
export function midpointHashKey(range: HashKeyRange): bigint {
  return range.start + (range.end - range.start + 1n) / 2n
}

/** MergeShards requires adjacent ranges: one ends right before the other starts. */
export function areAdjacent(a: HashKeyRange, b: HashKeyRange): boolean {
  return a.end + 1n === b.start || b.end + 1n === a.start
}

export function mergeHashKeyRanges(a: HashKeyRange, b: HashKeyRange): HashKeyRange {
  if (!areAdjacent(a, b)) {
    throw new RangeError(`[${a.start}, ${a.end}] and [${b.start}, ${b.end}] are not adjacent`)
  }
  return a.start < b.start ? { start: a.start, end: b.end } : { start: b.start, end: a.end }
}

/** An open shard's place in the key space. */
export interface ShardHashKeyRange {
  readonly shardIndex: number
  readonly range: HashKeyRange
}

/**
 * Finds the open shard that owns a hash key. Built once per shard map; a lookup is a binary search over the
 * sorted range starts, compared as HexHashKeys, and allocates nothing.
 */
export class HashKeyRouter {
  private readonly starts: HexHashKey[]
  private readonly ends: HexHashKey[]
  private readonly shardIndices: number[]

  constructor(openShards: readonly ShardHashKeyRange[]) {
    const sorted = [...openShards].sort((a, b) => compareBigInts(a.range.start, b.range.start))
    this.starts = sorted.map((shard) => toHexHashKey(shard.range.start))
    this.ends = sorted.map((shard) => toHexHashKey(shard.range.end))
    this.shardIndices = sorted.map((shard) => shard.shardIndex)
    for (const [position, shard] of sorted.entries()) {
      const { start, end } = shard.range
      if (start < 0n || end > MAX_HASH_KEY || start > end) {
        throw new RangeError(`shard ${shard.shardIndex} has an invalid hash key range [${start}, ${end}]`)
      }
      const previous = sorted[position - 1]
      if (previous !== undefined && previous.range.end >= start) {
        throw new RangeError(
          `shards ${previous.shardIndex} and ${shard.shardIndex} have overlapping hash key ranges`,
        )
      }
    }
  }

  /** The index of the shard whose range holds `hashKey`, or undefined if no open shard does. */
  shardIndexFor(hashKey: HexHashKey): number | undefined {
    let low = 0
    let high = this.starts.length - 1
    while (low <= high) {
      const middle = (low + high) >>> 1
      if ((this.starts[middle] as HexHashKey) <= hashKey) low = middle + 1
      else high = middle - 1
    }
    // `high` is now the last range starting at or below hashKey.
    if (high < 0 || hashKey > (this.ends[high] as HexHashKey)) return undefined
    return this.shardIndices[high]
  }

  /** Whether the ranges leave no hash key without a shard. */
  coversKeySpace(): boolean {
    let expectedStart = 0n
    for (const [position, start] of this.starts.entries()) {
      if (fromHexHashKey(start) !== expectedStart) return false
      expectedStart = fromHexHashKey(this.ends[position] as HexHashKey) + 1n
    }
    return expectedStart === HASH_KEY_COUNT
  }
}

function compareBigInts(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0
}
