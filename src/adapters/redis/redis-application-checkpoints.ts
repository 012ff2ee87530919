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

// One hash per consumer group: { sequence: n, checkpoint: JSON }. A save is a Lua script that writes only when
// the stored sequence is the one the saver read (or there is none and it expects 0), so a worker that lost the
// application to another cannot overwrite the new owner's checkpoint.

// KEYS: checkpoint hash. ARGV: expected sequence, checkpoint JSON.
const SAVE = `
local current = redis.call('HGET', KEYS[1], 'sequence')
if (current or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'sequence', tostring(tonumber(ARGV[1]) + 1), 'checkpoint', ARGV[2])
return 1
`

export class RedisApplicationCheckpoints implements ApplicationCheckpoints {
  private readonly prefix: string

  constructor(
    private readonly redis: Redis,
    options: RedisApplicationCheckpointsOptions = {},
  ) {
    this.prefix = `${options.keyPrefix ?? 'kinesis:'}analytics-checkpoints:`
  }

  async load(groupId: string): Promise<StoredCheckpoint | undefined> {
    const [sequence, checkpoint] = await this.run(() =>
      this.redis.hmget(this.prefix + groupId, 'sequence', 'checkpoint'),
    )
    if (sequence == null || checkpoint == null) return undefined
    return { ...(JSON.parse(checkpoint) as ApplicationCheckpoint), sequence: Number(sequence) }
  }

  async save(groupId: string, expectedSequence: number, checkpoint: ApplicationCheckpoint): Promise<boolean> {
    const saved = await this.run(() =>
      this.redis.eval(SAVE, 1, this.prefix + groupId, String(expectedSequence), JSON.stringify(checkpoint)),
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
