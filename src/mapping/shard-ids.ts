// Shard ids <-> Kafka partitions: `shardId-000000000007` is partition 7.

const PREFIX = 'shardId-'

/** Kafka partitions are 32-bit signed integers, and Kinesis resolves shard ids up to the same bound. */
export const MAX_SHARD_INDEX = 2_147_483_647

export function isShardIndex(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value <= MAX_SHARD_INDEX
}

/** The canonical id of a shard: `shardId-` and the index padded to 12 digits. */
export function shardIdOf(shardIndex: number): string {
  if (!isShardIndex(shardIndex)) throw new RangeError(`not a shard index: ${shardIndex}`)
  if (shardIndex >= CACHED_SHARD_IDS) return formatShardId(shardIndex)
  return (SHARD_IDS[shardIndex] ??= formatShardId(shardIndex))
}

function formatShardId(shardIndex: number): string {
  return PREFIX + String(shardIndex).padStart(12, '0')
}

/** The ids of the first shard indices, each made once: every record of a PutRecords answer names its shard. */
const CACHED_SHARD_IDS = 4096
const SHARD_IDS: (string | undefined)[] = []

/** The index of a canonical shard id (`shardId-` and exactly 12 digits), or undefined. */
export function parseShardId(shardId: string): number | undefined {
  if (!/^shardId-\d{12}$/.test(shardId)) return undefined
  const shardIndex = Number(shardId.slice(PREFIX.length))
  return isShardIndex(shardIndex) ? shardIndex : undefined
}

/**
 * The index Kinesis reads from a shard id given in a request. Kinesis is lenient: it takes the text after
 * the first '-' (or the whole id when there is none), and accepts it if it is all digits with a value up to
 * 2147483647, so `shardId-5`, `shard-0`, `x-00000000000000000002` and `7` all name a shard. Anything else
 * is a shard that cannot exist (ResourceNotFoundException: "Could not find shard ...").
 */
export function resolveShardId(shardId: string): number | undefined {
  const afterFirstHyphen = shardId.split('-')[1]
  const digits = afterFirstHyphen !== undefined && afterFirstHyphen !== '' ? afterFirstHyphen : shardId
  if (!/^\d+$/.test(digits)) return undefined
  const shardIndex = Number(digits)
  return isShardIndex(shardIndex) ? shardIndex : undefined
}
