import type {
  AccountScope,
  StreamCatalog,
  StreamKey,
  StreamRecord,
  TopicClaim,
} from '../../../src/ports/stream-catalog.ts'
import { Faults } from './faults.ts'

export type CatalogWriteMethod = 'create' | 'update' | 'remove' | 'claimTopic' | 'replaceTopicClaim'

/** In-memory StreamCatalog for unit tests: same contract as the Redis one, one process only. */
export class MemoryStreamCatalog implements StreamCatalog {
  private readonly streams = new Map<string, StreamRecord>()
  private readonly claims = new Map<string, TopicClaim>()
  /** Failures of the writes, planned by tests. */
  readonly faults = new Faults<CatalogWriteMethod>()

  get(key: StreamKey): Promise<StreamRecord | undefined> {
    return Promise.resolve(copy(this.streams.get(keyOf(key))))
  }

  /** Frozen, like the Redis catalog's shared cache entries, so that code mutating them fails in unit tests too. */
  async getCached(key: StreamKey): Promise<StreamRecord | undefined> {
    const record = await this.get(key)
    return record === undefined ? undefined : deepFreeze(record)
  }

  create(record: StreamRecord): Promise<boolean> {
    return this.faults.run('create', () => {
      const key = keyOf(record)
      if (this.streams.has(key)) return false
      this.streams.set(key, structuredClone(record))
      return true
    })
  }

  update(record: StreamRecord): Promise<boolean> {
    return this.faults.run('update', () => {
      const key = keyOf(record)
      const stored = this.streams.get(key)
      if (stored?.version !== record.version - 1) return false
      this.streams.set(key, structuredClone(record))
      return true
    })
  }

  remove(key: StreamKey, expectedVersion: number): Promise<boolean> {
    return this.faults.run('remove', () => {
      const stored = this.streams.get(keyOf(key))
      if (stored?.version !== expectedVersion) return false
      this.streams.delete(keyOf(key))
      return true
    })
  }

  claimTopic(claim: TopicClaim): Promise<void> {
    return this.faults.run('claimTopic', () => {
      this.claims.set(claim.topic, { ...claim })
    })
  }

  topicClaim(topic: string): Promise<TopicClaim | undefined> {
    const claim = this.claims.get(topic)
    return Promise.resolve(claim === undefined ? undefined : { ...claim })
  }

  topicClaims(): Promise<TopicClaim[]> {
    return Promise.resolve([...this.claims.values()].map((claim) => ({ ...claim })))
  }

  replaceTopicClaim(expected: TopicClaim, next: TopicClaim | undefined): Promise<boolean> {
    return this.faults.run('replaceTopicClaim', () => {
      const stored = this.claims.get(expected.topic)
      if (stored === undefined || !sameClaim(stored, expected)) return false
      if (next === undefined) this.claims.delete(expected.topic)
      else this.claims.set(expected.topic, { ...next })
      return true
    })
  }

  async listNames(
    scope: AccountScope,
    exclusiveStartName: string | undefined,
    limit: number,
  ): Promise<string[]> {
    const names = (await this.listAll(scope)).map((record) => record.streamName).sort(compareBytes)
    const after = exclusiveStartName === undefined ? names : names.filter((name) => name > exclusiveStartName)
    return after.slice(0, limit)
  }

  listAll(scope: AccountScope): Promise<StreamRecord[]> {
    const records: StreamRecord[] = []
    for (const record of this.streams.values()) {
      if (record.accountId === scope.accountId && record.region === scope.region)
        records.push(structuredClone(record))
    }
    return Promise.resolve(records)
  }

  close(): Promise<void> {
    return Promise.resolve()
  }
}

function sameClaim(a: TopicClaim, b: TopicClaim): boolean {
  return (
    a.topic === b.topic &&
    a.accountId === b.accountId &&
    a.region === b.region &&
    a.streamName === b.streamName &&
    a.claimedAtMillis === b.claimedAtMillis &&
    a.deletingSinceMillis === b.deletingSinceMillis
  )
}

function keyOf(key: StreamKey | StreamRecord): string {
  return `${key.accountId}/${key.region}/${key.streamName}`
}

function copy(record: StreamRecord | undefined): StreamRecord | undefined {
  return record === undefined ? undefined : structuredClone(record)
}

/** Redis orders sorted-set members by bytes; so does this. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const member of Object.values(value)) deepFreeze(member)
  }
  return value
}
