/** What /metrics shows of one running Kinesis Data Analytics application, from the process that runs it. */
export interface ApplicationMetrics {
  readonly account: string
  readonly region: string
  readonly applicationName: string
  /** 1 while this process owns the application's input (its standbys show 0). */
  readonly owning: number
  /** Records read from the input stream, and their bytes. */
  readonly recordsIn: number
  readonly bytesIn: number
  /** Rows the input records became in the in-application input streams. */
  readonly inputRows: number
  /** Rows written to error_stream (records that did not decode, runtime errors). */
  readonly errorRows: number
  /** Records written to each output (by its OutputId and destination ARN). */
  readonly outputs: readonly OutputMetrics[]
  /** How far the application is behind its input's tip: records, and the age of the last record read. */
  readonly recordsBehindLatest: number
  readonly millisBehindLatest: number
}

export interface OutputMetrics {
  readonly outputId: string
  readonly destination: string
  readonly records: number
}
