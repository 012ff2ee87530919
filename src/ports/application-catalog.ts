import type {
  CloudWatchLoggingOptionDescription,
  InputDescription,
  InputStartingPosition,
  OutputDescription,
  ReferenceDataSourceDescription,
} from '@aws-sdk/client-kinesis-analytics'

/**
 * Kinesis Data Analytics for SQL applications: their configuration, status and run requests, kept in Redis and
 * shared by every replica of the gateway. Every write is compare-and-set on `revision`, so two replicas changing
 * one application cannot both succeed from the same read.
 */
export interface ApplicationCatalog {
  get(key: ApplicationKey): Promise<ApplicationRecord | undefined>
  /** Stores a new application; false when one of that name exists in the account and region. */
  create(record: ApplicationRecord): Promise<boolean>
  /** Replaces the record when its stored revision is `record.revision - 1`; false when another write came first. */
  update(record: ApplicationRecord): Promise<boolean>
  /** Removes the record when its stored revision is `expectedRevision`; false otherwise. */
  remove(key: ApplicationKey, expectedRevision: number): Promise<boolean>
  /** The scope's applications in ascending name order, after `exclusiveStartName`, at most `limit`. */
  list(
    scope: ApplicationScope,
    exclusiveStartName: string | undefined,
    limit: number,
  ): Promise<ApplicationRecord[]>
  /** How many applications the scope has. */
  count(scope: ApplicationScope): Promise<number>
  /**
   * Every account and region that has had an application (a scope may have none left): how the runtime finds
   * the applications it is asked to run, with `list`.
   */
  scopes(): Promise<ApplicationScope[]>
}

export interface ApplicationScope {
  readonly accountId: string
  readonly region: string
}

export interface ApplicationKey extends ApplicationScope {
  readonly applicationName: string
}

export type ApplicationStatus = 'DELETING' | 'STARTING' | 'STOPPING' | 'READY' | 'RUNNING' | 'UPDATING'

/** One application as stored: its configuration in the shapes DescribeApplication answers with. */
export interface ApplicationRecord extends ApplicationKey {
  readonly applicationArn: string
  readonly description?: string | undefined
  readonly code?: string | undefined
  readonly status: ApplicationStatus
  /** AWS's ApplicationVersionId: 1 at creation, incremented by every configuration change. */
  readonly versionId: number
  readonly createdAtMillis: number
  readonly updatedAtMillis: number
  readonly inputs: readonly InputDescription[]
  readonly outputs: readonly OutputDescription[]
  readonly referenceDataSources: readonly ReferenceDataSourceDescription[]
  readonly cloudWatchLoggingOptions: readonly CloudWatchLoggingOptionDescription[]
  readonly tags: readonly ApplicationTag[]
  /** The ordinal the next added input, output, reference data source or logging option gets in its id. */
  readonly nextOrdinals: ApplicationOrdinals
  /**
   * Set by StartApplication and kept while the application runs: what the runtime is asked to run. Cleared
   * when the application is READY again.
   */
  readonly run?: RunRequest | undefined
  /** Incremented by every write (configuration, status, tags): the compare-and-set token. */
  readonly revision: number
}

export interface ApplicationTag {
  readonly Key: string
  readonly Value?: string | undefined
}

export interface ApplicationOrdinals {
  readonly input: number
  readonly output: number
  readonly referenceDataSource: number
  readonly cloudWatchLoggingOption: number
}

/** What StartApplication asked for: where each input starts reading, and when it was asked. */
export interface RunRequest {
  readonly requestedAtMillis: number
  readonly inputs: readonly { readonly inputId: string; readonly startingPosition: InputStartingPosition }[]
  /** Set by the runtime when it reports the application running. */
  readonly runningSinceMillis?: number | undefined
}

/** Raised by adapters when the store cannot be reached; the request may be retried. */
export class ApplicationCatalogUnavailableError extends Error {
  override name = 'ApplicationCatalogUnavailableError'
}
