import type { ApplicationCatalog } from '../ports/application-catalog.ts'
import type { Clock } from '../ports/clock.ts'
import type { ObjectStore } from '../ports/object-store.ts'
import type { RecordLog } from '../ports/record-log.ts'
import type { StreamCatalog } from '../ports/stream-catalog.ts'

export interface AnalyticsDeps {
  readonly applications: ApplicationCatalog
  /** Kinesis streams named as inputs and outputs must exist (as AWS checks them). */
  readonly streams: StreamCatalog
  /** DiscoverInputSchema samples a stream's recent records from the log. */
  readonly recordLog: RecordLog
  /** DiscoverInputSchema reads an S3 object (S3Configuration). */
  readonly objects: ObjectStore
  readonly clock: Clock
  /** The SQL checker CreateApplication, UpdateApplication and AddApplicationInput run on the code. */
  readonly checkApplicationCode: ApplicationCodeChecker
}

/** A column of an in-application stream or reference table, as the code sees it. */
export interface InApplicationColumn {
  readonly name: string
  /** As the schema gives it, e.g. `VARCHAR(4)`, `DECIMAL(5,2)`, `TIMESTAMP`. */
  readonly sqlType: string
}

/**
 * An in-application stream an input creates (`SOURCE_SQL_STREAM_001`, ...: one per InputParallelism) or a
 * reference table, with its columns. Names are exact: they are created quoted.
 */
export interface InApplicationSource {
  readonly name: string
  readonly kind: 'stream' | 'table'
  readonly columns: readonly InApplicationColumn[]
}

/** Where the code is wrong: the first problem found, 1-based line and column. */
export interface CodeProblem {
  readonly message: string
  readonly line: number
  readonly column: number
}

/** Checks application code against the in-application sources it reads; undefined when it is valid. */
export type ApplicationCodeChecker = (
  code: string,
  inputSchemas: readonly InApplicationSource[],
) => CodeProblem | undefined
