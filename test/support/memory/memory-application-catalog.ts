import {
  ApplicationCatalogUnavailableError,
  type ApplicationCatalog,
  type ApplicationKey,
  type ApplicationRecord,
  type ApplicationScope,
} from '../../../src/ports/application-catalog.ts'

/** ApplicationCatalog in memory, with the Redis adapter's semantics (records stored as JSON text). */
export class MemoryApplicationCatalog implements ApplicationCatalog {
  private readonly records = new Map<string, string>()
  private readonly everScoped = new Set<string>()
  /** While set, every call fails as the Redis adapter does when Redis is unreachable. */
  unavailable = false

  get(key: ApplicationKey): Promise<ApplicationRecord | undefined> {
    return this.call(() => {
      const text = this.records.get(keyOf(key))
      return text === undefined ? undefined : (JSON.parse(text) as ApplicationRecord)
    })
  }

  create(record: ApplicationRecord): Promise<boolean> {
    return this.call(() => {
      const key = keyOf(record)
      if (this.records.has(key)) return false
      this.records.set(key, JSON.stringify(record))
      this.everScoped.add(JSON.stringify({ accountId: record.accountId, region: record.region }))
      return true
    })
  }

  update(record: ApplicationRecord): Promise<boolean> {
    return this.call(() => {
      const key = keyOf(record)
      const text = this.records.get(key)
      if (text === undefined || (JSON.parse(text) as ApplicationRecord).revision !== record.revision - 1) {
        return false
      }
      this.records.set(key, JSON.stringify(record))
      return true
    })
  }

  remove(key: ApplicationKey, expectedRevision: number): Promise<boolean> {
    return this.call(() => {
      const text = this.records.get(keyOf(key))
      if (text === undefined || (JSON.parse(text) as ApplicationRecord).revision !== expectedRevision)
        return false
      this.records.delete(keyOf(key))
      return true
    })
  }

  list(
    scope: ApplicationScope,
    exclusiveStartName: string | undefined,
    limit: number,
  ): Promise<ApplicationRecord[]> {
    return this.call(() =>
      this.inScope(scope)
        .filter((record) => exclusiveStartName === undefined || record.applicationName > exclusiveStartName)
        .slice(0, limit),
    )
  }

  count(scope: ApplicationScope): Promise<number> {
    return this.call(() => this.inScope(scope).length)
  }

  scopes(): Promise<ApplicationScope[]> {
    return this.call(() => [...this.everScoped.values()].map((text) => JSON.parse(text) as ApplicationScope))
  }

  private inScope(scope: ApplicationScope): ApplicationRecord[] {
    return [...this.records.values()]
      .map((text) => JSON.parse(text) as ApplicationRecord)
      .filter((record) => record.accountId === scope.accountId && record.region === scope.region)
      .sort((a, b) =>
        a.applicationName < b.applicationName ? -1 : a.applicationName > b.applicationName ? 1 : 0,
      )
  }

  private call<T>(work: () => T): Promise<T> {
    if (this.unavailable) {
      return Promise.reject(new ApplicationCatalogUnavailableError('The application catalog is unavailable'))
    }
    return Promise.resolve(work())
  }
}

function keyOf(key: ApplicationKey): string {
  return `${key.accountId}/${key.region}/${key.applicationName}`
}
