import type { ApplicationMetrics, OutputMetrics } from '../../ports/application-metrics.ts'

export interface ApplicationCounters {
  recordsIn: number
  bytesIn: number
  inputRows: number
  errorRows: number
}

/** Where a worker reports how far behind its input it is; read only when /metrics is. */
export interface InputPosition {
  /** Partitions this worker owns now. */
  owned(): number
  /** Per owned partition: records after the last one processed, and the arrival time of that one. */
  behind(): Iterable<{ readonly records: number; readonly lastArrivalMillis: number }>
}

interface Entry {
  readonly account: string
  readonly region: string
  readonly name: string
  readonly counters: ApplicationCounters
  readonly outputs: Map<string, OutputMetrics & { records: number }>
  position: InputPosition | undefined
}

/** The analytics workers' counters per application, in this process; /metrics renders `snapshot()`. */
export class RuntimeMetrics {
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly now: () => number = Date.now) {}

  counters(applicationArn: string): ApplicationCounters {
    return this.entry(applicationArn).counters
  }

  /** Counts records stored at an output. */
  delivered(applicationArn: string, outputId: string, destination: string, records: number): void {
    const outputs = this.entry(applicationArn).outputs
    const key = `${outputId}\n${destination}`
    const output = outputs.get(key) ?? { outputId, destination, records: 0 }
    output.records += records
    outputs.set(key, output)
  }

  /** The running worker's input position; undefined when it stops. */
  watch(applicationArn: string, position: InputPosition | undefined): void {
    if (position !== undefined) this.entry(applicationArn).position = position
    else {
      const entry = this.entries.get(applicationArn)
      if (entry !== undefined) entry.position = undefined
    }
  }

  /** Forgets an application that no longer runs here. */
  remove(applicationArn: string): void {
    this.entries.delete(applicationArn)
  }

  snapshot(): ApplicationMetrics[] {
    const now = this.now()
    return [...this.entries.values()].map((entry) => {
      let recordsBehind = 0
      let millisBehind = 0
      for (const partition of entry.position?.behind() ?? []) {
        if (partition.records <= 0) continue
        recordsBehind += partition.records
        millisBehind = Math.max(millisBehind, now - partition.lastArrivalMillis)
      }
      return {
        account: entry.account,
        region: entry.region,
        applicationName: entry.name,
        owning: (entry.position?.owned() ?? 0) > 0 ? 1 : 0,
        ...entry.counters,
        outputs: [...entry.outputs.values()].map((output) => ({ ...output })),
        recordsBehindLatest: recordsBehind,
        millisBehindLatest: Math.max(0, millisBehind),
      }
    })
  }

  private entry(applicationArn: string): Entry {
    let entry = this.entries.get(applicationArn)
    if (entry === undefined) {
      const match = /^arn:[^:]+:kinesisanalytics:([^:]*):([^:]*):application\/(.+)$/.exec(applicationArn)
      entry = {
        region: match?.[1] ?? '',
        account: match?.[2] ?? '',
        name: match?.[3] ?? applicationArn,
        counters: { recordsIn: 0, bytesIn: 0, inputRows: 0, errorRows: 0 },
        outputs: new Map(),
        position: undefined,
      }
      this.entries.set(applicationArn, entry)
    }
    return entry
  }
}
