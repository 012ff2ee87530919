import type { Redis } from 'ioredis'

import {
  ApplicationCheckpointsUnavailableError,
  type ApplicationCheckpoint,
  type ApplicationCheckpoints,
  type StoredCheckpoint,
} from '../../ports/application-checkpoints.ts'

export interface RedisApplicationCheckpointsOptions {
  /** Starts every key; default `kinesis:`. */
  keyPrefix?: string
}

// One hash per consumer group, a pair of fields per slice: { sequence: n, checkpoint: JSON } for slice 0,
// { sequence:k, checkpoint:k } for slice k. A save is a Lua script that writes only when the stored sequence is
// the one the saver read (or there is none and it expects 0), so a worker that lost a slice to another cannot
// overwrite the new owner's checkpoint.

// KEYS: checkpoint hash. ARGV: sequence field, checkpoint field, expected sequence, checkpoint JSON.
const SAVE = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if (current or '0') ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], tostring(tonumber(ARGV[3]) + 1), ARGV[2], ARGV[4])
return 1
`

function fieldsOf(slice: number): { sequence: string; checkpoint: string } {
  return slice === 0
    ? { sequence: 'sequence', checkpoint: 'checkpoint' }
    : { sequence: `sequence:${slice}`, checkpoint: `checkpoint:${slice}` }
}

export class RedisApplicationCheckpoints implements ApplicationCheckpoints {
  private readonly prefix: string

  constructor(
    private readonly redis: Redis,
    options: RedisApplicationCheckpointsOptions = {},
  ) {
    this.prefix = `${options.keyPrefix ?? 'kinesis:'}analytics-checkpoints:`
  }

  async load(groupId: string, slice: number): Promise<StoredCheckpoint | undefined> {
    const fields = fieldsOf(slice)
    const [sequence, checkpoint] = await this.run(() =>
      this.redis.hmget(this.prefix + groupId, fields.sequence, fields.checkpoint),
    )
    if (sequence == null || checkpoint == null) return undefined
    return { ...(JSON.parse(checkpoint) as ApplicationCheckpoint), sequence: Number(sequence) }
  }

  async save(
    groupId: string,
    slice: number,
    expectedSequence: number,
    checkpoint: ApplicationCheckpoint,
  ): Promise<boolean> {
    const fields = fieldsOf(slice)
    const saved = await this.run(() =>
      this.redis.eval(
        SAVE,
        1,
        this.prefix + groupId,
        fields.sequence,
        fields.checkpoint,
        String(expectedSequence),
        JSON.stringify(checkpoint),
      ),
    )
    return saved === 1
  }

  async remove(groupId: string): Promise<void> {
    await this.run(() => this.redis.del(this.prefix + groupId))
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command()
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new ApplicationCheckpointsUnavailableError(
        `The application checkpoints are unavailable (Redis: ${reason})`,
        { cause: error },
      )
    }
  }
}
