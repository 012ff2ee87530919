import type {
  AccountScope,
  StreamCatalog,
  StreamKey,
  StreamRecord,
} from '../../../src/ports/stream-catalog.ts'

/** In-memory StreamCatalog for unit tests: same contract as the Redis one, one process only. */
export class MemoryStreamCatalog implements StreamCatalog {
  private readonly streams = new Map<string, StreamRecord>()

  get(key: StreamKey): Promise<StreamRecord | undefined> {
    return Promise.resolve(copy(this.streams.get(keyOf(key))))
  }

  /** Frozen, like the Redis catalog's shared cache entries, so that code mutating them fails in unit tests too. */
  async getCached(key: StreamKey): Promise<StreamRecord | undefined> {
    const record = await this.get(key)
    return record === undefined ? undefined : deepFreeze(record)
  }

  create(record: StreamRecord): Promise<boolean> {
    const key = keyOf(record)
    if (this.streams.has(key)) return Promise.resolve(false)
    this.streams.set(key, structuredClone(record))
    return Promise.resolve(true)
  }

  update(record: StreamRecord): Promise<boolean> {
    const key = keyOf(record)
    const stored = this.streams.get(key)
    if (stored?.version !== record.version - 1) return Promise.resolve(false)
    this.streams.set(key, structuredClone(record))
    return Promise.resolve(true)
  }

  remove(key: StreamKey, expectedVersion: number): Promise<boolean> {
    const stored = this.streams.get(keyOf(key))
    if (stored?.version !== expectedVersion) return Promise.resolve(false)
    this.streams.delete(keyOf(key))
    return Promise.resolve(true)
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

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const member of Object.values(value)) deepFreeze(member)
  }
  return value
}
