// Runs one application in this process, as one member of the application's consumer group over its input
// stream's topic. SQL windows need every row of an in-application stream in one place, so the partitions are
// shared by slices: the in-application input streams that no pump combines run apart (InputParallelism: partition
// p feeds `<NamePrefix>_00<p mod count + 1>`), each slice in an engine of its own, owned whole by one member of the
// group (in any gateway process). An application whose pumps combine its input streams is one slice: one member
// owns every partition, the others are standbys that take over when it goes.
//
// For each batch of records (one partition, offset order), one at a time:
//   1. open the Kinesis record (decrypting it when it was written encrypted), preprocess it with the input's
//      Lambda if it has one, decode it by the InputSchema into rows;
//   2. push each row into the in-application stream of its partition, in its slice's engine, with ROWTIME = the
//      record's arrival time (the Kafka log-append time); records that do not decode become `error_stream` rows;
//   3. write the rows of the streams named by Outputs to their destinations, retrying until stored;
//   4. with a checkpoint store, at most every checkpointIntervalMs: save the slice engine's state with the offsets
//      it covers, then commit those offsets (the next owner restores the state and skips the records below them);
//      without one, commit the partition's offset past the batch. Output is therefore at least once: a worker
//      that dies between 3 and 4 has its records read again by the next owner.
// Every tick, a slice's time advances to now (less a grace period for records still on their way) when no record
// came for that long, so that windows close when the input is quiet.

import { createHash } from 'node:crypto'

import type { InputDescription } from '@aws-sdk/client-kinesis-analytics'

import type { ApplicationRecord, RunRequest } from '../../ports/application-catalog.ts'
import type { StoredCheckpoint } from '../../ports/application-checkpoints.ts'
import type { GroupMember, GroupOffset, GroupStartPosition } from '../../ports/consumer-groups.ts'
import type { StoredRecord } from '../../ports/record-log.ts'
import { openStoredRecord } from '../../mapping/record-envelope.ts'
import { parseStreamArn } from '../../mapping/arns.ts'
import { deliveryStreamTopicName } from '../../mapping/delivery-stream-topics.ts'
import { sequenceNumberOf } from '../../mapping/sequence-numbers.ts'
import { shardIdOf } from '../../mapping/shard-ids.ts'
import { recordDecoder, type RecordDecoder } from '../input/record-decoder.ts'
import {
  ERROR_STREAM,
  compileApplication,
  type Application,
  type ApplicationSnapshot,
  type ReferenceTable,
  type Row,
  type StreamSchema,
} from '../sql/index.ts'
import { processWithLambda, type ProcessedRecord } from './input-processing.ts'
import { formatRow } from './output-format.ts'
import { deliver, outputTargets, WorkerStoppedError, type OutputTarget } from './output-targets.ts'
import { loadReferenceTables } from './reference-data.ts'
import type { AnalyticsRuntimeDeps } from './runtime-deps.ts'
import type { ApplicationCounters } from './runtime-metrics.ts'

export interface ApplicationWorkerSettings {
  /**
   * When no record came for this long, time advances to now minus this long (records are fetched within it),
   * closing the windows that ended by then.
   */
  readonly idleAdvanceMs: number
  /**
   * With checkpoints: how often (at most) the window state and the offsets it covers are saved, and the offsets
   * committed. Without checkpoints, offsets are committed after every batch.
   */
  readonly checkpointIntervalMs: number
}

export const DEFAULT_WORKER_SETTINGS: ApplicationWorkerSettings = {
  idleAdvanceMs: 1_000,
  checkpointIntervalMs: 1_000,
}

/** The consumer group of an application: its ARN and creation time (a re-created application starts afresh). */
export function applicationGroupId(record: ApplicationRecord): string {
  return `kinesisanalytics:${record.applicationArn}:${record.createdAtMillis}`
}

/**
 * Where the input is read from. A fresh Start with NOW or TRIM_HORIZON replaces the group's committed offsets
 * (NOW: the first record that arrived at or after the StartApplication call); LAST_STOPPED_POINT keeps them,
 * reading partitions without one from the Start call. A worker of a RUNNING application (a restart, another
 * process taking over) always resumes from the committed offsets.
 */
export function startingPlan(
  record: ApplicationRecord,
  inputId: string,
): { position: GroupStartPosition; reset: boolean } {
  const run: RunRequest | undefined = record.run
  const requested = run?.inputs.find((input) => input.inputId === inputId)?.startingPosition ?? 'NOW'
  const fromStart: GroupStartPosition = {
    from: 'timestamp',
    timestampMs: run?.requestedAtMillis ?? record.updatedAtMillis,
  }
  const position: GroupStartPosition = requested === 'TRIM_HORIZON' ? { from: 'earliest' } : fromStart
  const fresh = record.status === 'STARTING' && run?.runningSinceMillis === undefined
  return { position, reset: fresh && requested !== 'LAST_STOPPED_POINT' }
}

/**
 * The topic an input reads: a Kinesis stream's, or a Firehose delivery stream's own topic (DirectPut; its records
 * are the data as put). Throws when it is not there (yet).
 */
async function inputSource(
  input: InputDescription,
  deps: AnalyticsRuntimeDeps,
): Promise<{ streamArn: string; topic: string; incarnation: number }> {
  const streamArn = input.KinesisStreamsInputDescription?.ResourceARN
  if (streamArn === undefined) {
    const firehoseArn = input.KinesisFirehoseInputDescription?.ResourceARN ?? ''
    const match = /^arn:[^:]+:firehose:([^:]+):(\d{12}):deliverystream\/(.+)$/.exec(firehoseArn)
    if (match === null) throw new Error(`the input names no stream (${firehoseArn})`)
    const [, region = '', accountId = '', name = ''] = match
    return {
      streamArn: firehoseArn,
      topic: deliveryStreamTopicName({ accountId, region, name }),
      incarnation: 0,
    }
  }
  const parts = parseStreamArn(streamArn)
  const stream =
    parts === undefined
      ? undefined
      : await deps.streams.get({
          accountId: parts.accountId,
          region: parts.region,
          streamName: parts.streamName,
        })
  if (stream === undefined || stream.status === 'DELETING') {
    throw new Error(`the input stream ${streamArn} does not exist`)
  }
  if (stream.creation !== undefined) throw new Error(`the input stream ${streamArn} is being created`)
  return { streamArn, topic: stream.topic, incarnation: stream.incarnation }
}

interface InputPlan {
  readonly streamArn: string
  readonly topic: string
  readonly incarnation: number
  readonly inAppStreams: readonly string[]
  readonly decode: RecordDecoder
  readonly preprocessor: string | undefined
}

/** How the in-application input streams fall into slices that run apart (see the top of this file). */
interface SliceLayout {
  readonly count: number
  /** Per in-application input stream (by position), its slice. */
  readonly sliceOfStream: readonly number[]
}

/** One slice of the input as this worker runs it: its engine and what the engine's state covers. */
interface SliceRun {
  readonly index: number
  app: Application
  /** Per partition of the slice read so far, the next offset to read: what the engine's state covers. */
  readonly positions: Map<number, number>
  /** Records below these offsets are in the restored state already (delivered again after a checkpoint). */
  readonly skipBelow: Map<number, number>
  /** The sequence of the slice's last checkpoint loaded or saved (0: none). */
  checkpointSequence: number
  lastCheckpointAtMillis: number
  changedSinceCheckpoint: boolean
  lastRecordAtMillis: number
}

export class ApplicationWorker {
  private readonly pending = new Map<OutputTarget, Buffer[]>()
  /** Rows collected into `pending` so far (tells whether advancing a slice's time emitted any). */
  private collectedRows = 0
  private queue: Promise<void> = Promise.resolve()
  private partitions: readonly number[] = []
  /** The slices this worker owns now, by index. */
  private readonly slices = new Map<number, SliceRun>()
  private readonly layout: SliceLayout
  private stopping = false
  private member: GroupMember | undefined
  /** Set when the consumer group member stopped for good: the worker must be replaced. */
  private failure: Error | undefined
  private readonly codeHash: string
  private readonly counters: ApplicationCounters
  /** Per owned partition read so far: its tip at the last fetch, and the arrival time of the last record read. */
  private readonly tips = new Map<number, { tip: number; lastArrivalMillis: number }>()

  private constructor(
    readonly record: ApplicationRecord,
    private readonly deps: AnalyticsRuntimeDeps,
    private readonly settings: ApplicationWorkerSettings,
    private readonly input: InputPlan,
    private readonly inputs: readonly StreamSchema[],
    private readonly referenceTables: readonly ReferenceTable[],
    private readonly targets: readonly OutputTarget[],
  ) {
    const groups = this.compile().inputGroups()
    this.layout = {
      count: groups.length,
      sliceOfStream: input.inAppStreams.map((name) => groups.findIndex((group) => group.includes(name))),
    }
    const hash = createHash('sha256').update(record.code ?? '')
    // A checkpoint covers the partitions of its slice: it fits only the same division into slices.
    if (this.layout.count > 1) hash.update(`\n${JSON.stringify(groups)}`)
    this.codeHash = hash.digest('hex')
    this.counters = deps.metrics?.counters(record.applicationArn) ?? {
      recordsIn: 0,
      bytesIn: 0,
      inputRows: 0,
      errorRows: 0,
    }
    deps.metrics?.watch(record.applicationArn, {
      owned: () => this.partitions.length,
      behind: () =>
        [...this.tips].map(([partition, entry]) => ({
          records:
            entry.tip - (this.slices.get(this.sliceOf(partition))?.positions.get(partition) ?? entry.tip),
          lastArrivalMillis: entry.lastArrivalMillis,
        })),
    })
  }

  /** Compiles the application, loads its reference data and joins its group; throws when it cannot run here. */
  static async start(
    record: ApplicationRecord,
    deps: AnalyticsRuntimeDeps,
    settings: ApplicationWorkerSettings = DEFAULT_WORKER_SETTINGS,
  ): Promise<ApplicationWorker> {
    const input = record.inputs[0]
    if (input === undefined) throw new Error('the application has no input')
    const source = await inputSource(input, deps)
    const schema = input.InputSchema
    if (schema === undefined) throw new Error('the input has no schema')
    const columns = (schema.RecordColumns ?? []).map((column) => ({
      name: column.Name ?? '',
      sqlType: column.SqlType ?? '',
    }))
    const inAppStreams = input.InAppStreamNames ?? []
    if (inAppStreams.length === 0) throw new Error('the input has no in-application stream')
    const preprocessor =
      input.InputProcessingConfigurationDescription?.InputLambdaProcessorDescription?.ResourceARN
    if (preprocessor !== undefined && deps.lambda === undefined) {
      throw new Error('the input has a Lambda preprocessor and no LAMBDA_ENDPOINT is configured')
    }
    const referenceTables = await loadReferenceTables(deps.objects, record.referenceDataSources)
    const targets = outputTargets(record.outputs, record.applicationArn, deps)
    const worker = new ApplicationWorker(
      record,
      deps,
      settings,
      {
        ...source,
        inAppStreams,
        decode: recordDecoder(schema),
        preprocessor,
      },
      inAppStreams.map((name) => ({ name, columns })),
      referenceTables,
      targets,
    )
    const { position, reset } = startingPlan(record, input.InputId ?? '')
    worker.member = await deps.groups.join({
      groupId: applicationGroupId(record),
      topic: source.topic,
      startPosition: position,
      resetOffsets: reset,
      slicing: {
        count: worker.layout.count,
        sliceOf: (partition) => worker.sliceOf(partition),
      },
      handler: {
        assigned: (partitions) => {
          worker.assigned(partitions)
        },
        records: (partition, records, tip) => worker.records(partition, records, tip),
        failed: (error) => {
          worker.failure = error
        },
      },
    })
    return worker
  }

  get versionId(): number {
    return this.record.versionId
  }

  /** Why the worker's group member stopped for good, if it did (the supervisor replaces the worker). */
  failed(): Error | undefined {
    return this.failure
  }

  /** The partitions this worker reads now (none: a standby). */
  owned(): readonly number[] {
    return this.partitions
  }

  /** Closes the windows that ended by now in the slices whose input has been quiet; delivers what they emit. */
  tick(): void {
    if (this.stopping || this.partitions.length === 0) return
    void this.enqueue(async () => {
      if (this.stopping) return
      const now = this.deps.clock.now()
      for (const slice of this.slices.values()) {
        if (now - slice.lastRecordAtMillis < this.settings.idleAdvanceMs) continue
        const collectedBefore = this.collectedRows
        this.run(() => {
          slice.app.advance(now - this.settings.idleAdvanceMs)
        })
        if (this.collectedRows > collectedBefore) slice.changedSinceCheckpoint = true
      }
      await this.deliverPending()
      await this.checkpoint(this.slices.values(), false)
    }).catch((error: unknown) => {
      this.warn('analytics: advancing time failed', error)
    })
  }

  /** Resolves once the work queued so far (records, ticks) is done. */
  settled(): Promise<void> {
    return this.queue
  }

  /** Stops reading: what is being processed finishes (its output stored and offsets committed), then it leaves. */
  async stop(): Promise<void> {
    if (!this.stopping) {
      // The last checkpoint (and commit) before leaving: the application's LAST_STOPPED_POINT.
      void this.enqueue(() => this.checkpoint(this.slices.values(), true)).catch(() => undefined)
    }
    this.stopping = true
    await this.queue
    await this.member?.stop()
    this.deps.metrics?.watch(this.record.applicationArn, undefined)
  }

  private sliceOf(partition: number): number {
    const streams = this.layout.sliceOfStream
    return streams[partition % streams.length] ?? 0
  }

  private assigned(partitions: readonly number[]): void {
    const before = this.partitions
    this.partitions = [...partitions]
    for (const partition of this.tips.keys()) {
      if (!partitions.includes(partition)) this.tips.delete(partition)
    }
    const same = before.length === partitions.length && before.every((p, i) => partitions[i] === p)
    if (same) return
    // Records come again from the committed offsets: each slice restarts from its last checkpoint (or empty
    // without checkpoints) rather than count them twice.
    const owned = [...new Set(partitions.map((partition) => this.sliceOf(partition)))].sort((a, b) => a - b)
    void this.enqueue(async () => {
      this.pending.clear()
      this.slices.clear()
      for (const index of owned) {
        const slice: SliceRun = {
          index,
          app: this.compile(),
          positions: new Map(),
          skipBelow: new Map(),
          checkpointSequence: 0,
          lastCheckpointAtMillis: Number.NEGATIVE_INFINITY,
          changedSinceCheckpoint: false,
          lastRecordAtMillis: Number.NEGATIVE_INFINITY,
        }
        this.slices.set(index, slice)
        await this.restoreCheckpoint(slice)
      }
    }).catch((error: unknown) => {
      this.warn('analytics: restoring the last checkpoint failed; the windows start empty', error)
    })
  }

  /**
   * Restores the slice's last checkpoint when it belongs to this run (a restart or another process taking over)
   * or the run resumes from LAST_STOPPED_POINT, and the code is the same; otherwise the state starts empty.
   */
  private async restoreCheckpoint(slice: SliceRun): Promise<void> {
    const store = this.deps.checkpoints
    if (store === undefined) return
    // Without knowing the last checkpoint the worker can neither restore nor save one: wait for the store.
    let checkpoint: StoredCheckpoint | undefined
    for (let delay = 500; ; delay = Math.min(delay * 2, 5_000)) {
      try {
        checkpoint = await store.load(applicationGroupId(this.record), slice.index)
        break
      } catch (error) {
        this.warn('analytics: reading the last checkpoint failed; retrying', error)
        if (this.stopping) return
        await sleep(delay)
      }
    }
    if (checkpoint === undefined) return
    slice.checkpointSequence = checkpoint.sequence
    const run = this.record.run
    const inputId = this.record.inputs[0]?.InputId
    const resumes =
      checkpoint.runRequestedAtMillis === run?.requestedAtMillis ||
      run?.inputs.find((input) => input.inputId === inputId)?.startingPosition === 'LAST_STOPPED_POINT'
    if (!resumes || checkpoint.codeHash !== this.codeHash) return
    try {
      slice.app.restore(checkpoint.state as ApplicationSnapshot)
    } catch (error) {
      this.warn('analytics: the last checkpoint does not fit the application; the windows start empty', error)
      slice.app = this.compile()
      return
    }
    for (const [key, offset] of Object.entries(checkpoint.offsets)) {
      const partition = Number(key)
      if (this.sliceOf(partition) !== slice.index) continue
      slice.positions.set(partition, offset)
      slice.skipBelow.set(partition, offset)
    }
  }

  /**
   * Saves each slice's state and the offsets it covers (its output is stored by now) when its interval has
   * passed, or `force`; then commits the offsets of the slices saved, in one commit. Without a checkpoint store,
   * offsets were committed with each batch.
   */
  private async checkpoint(slices: Iterable<SliceRun>, force: boolean): Promise<void> {
    const saved = await Promise.all([...slices].map((slice) => this.saveCheckpoint(slice, force)))
    const offsets = saved.flatMap((slice) =>
      slice === undefined ? [] : [...slice.positions].map(([partition, offset]) => ({ partition, offset })),
    )
    if (offsets.length > 0) await this.commit(offsets)
  }

  /** Saves the slice's checkpoint if it is due; the slice when it was saved. */
  private async saveCheckpoint(slice: SliceRun, force: boolean): Promise<SliceRun | undefined> {
    const store = this.deps.checkpoints
    if (store === undefined || !slice.changedSinceCheckpoint) return undefined
    const now = this.deps.clock.now()
    if (!force && now - slice.lastCheckpointAtMillis < this.settings.checkpointIntervalMs) return undefined
    const groupId = applicationGroupId(this.record)
    const offsets = Object.fromEntries(
      [...slice.positions].map(([partition, offset]) => [String(partition), offset]),
    )
    let saved: boolean
    try {
      saved = await store.save(groupId, slice.index, slice.checkpointSequence, {
        runRequestedAtMillis: this.record.run?.requestedAtMillis ?? 0,
        codeHash: this.codeHash,
        offsets,
        state: slice.app.snapshot(),
        savedAtMillis: now,
      })
    } catch (error) {
      this.warn(
        'analytics: saving a checkpoint failed; the records since the last one may be processed again',
        error,
      )
      return undefined
    }
    if (!saved) {
      // Another worker owns the slice now (this one is about to lose its partitions), or a save whose answer
      // was lost went through: either way this worker is out of step; the supervisor replaces it.
      this.failure = new Error('another worker saved a checkpoint of this application')
      this.deps.log(
        'warn',
        'analytics: another worker saved a checkpoint of this application; not committing',
        { application: this.record.applicationArn, slice: slice.index },
      )
      return undefined
    }
    slice.checkpointSequence++
    slice.lastCheckpointAtMillis = now
    slice.changedSinceCheckpoint = false
    return slice
  }

  private async commit(offsets: GroupOffset[]): Promise<void> {
    try {
      await this.member?.commit(offsets)
    } catch (error) {
      this.warn('analytics: committing input offsets failed; the records may be processed again', error)
    }
  }

  private records(partition: number, records: readonly StoredRecord[], tip?: number): Promise<void> {
    return this.enqueue(async () => {
      if (this.stopping) throw new WorkerStoppedError('the application is stopping')
      // A batch fetched before a rebalance took the partition away: its new owner reads it.
      const slice = this.slices.get(this.sliceOf(partition))
      if (slice === undefined) return
      const skip = slice.skipBelow.get(partition) ?? 0
      const last = records[records.length - 1]
      if (last === undefined || last.offset < skip) return
      if (records[0] !== undefined && records[0].offset < skip) {
        records = records.filter((record) => record.offset >= skip)
      }
      const streamName = this.input.inAppStreams[partition % this.input.inAppStreams.length] as string
      const opened = await this.open(partition, records)
      this.counters.recordsIn += records.length
      const app = slice.app
      this.run(() => {
        for (const [position, stored] of records.entries()) {
          this.counters.bytesIn += stored.value?.length ?? 0
          const data = opened[position]
          if (data === undefined) continue
          if (!Buffer.isBuffer(data)) {
            this.emitError(data.name, data.message, stored.timestamp, stored.value)
            continue
          }
          const decoded = this.input.decode(data)
          for (const error of decoded.errors) {
            this.emitError(error.name, error.message, stored.timestamp, data)
          }
          this.counters.inputRows += decoded.rows.length
          // The Kafka record timestamp is both the row's ROWTIME (raised to keep time monotonic) and its
          // APPROXIMATE_ARRIVAL_TIME (as stored).
          for (const row of decoded.rows) app.push(streamName, row, stored.timestamp, stored.timestamp)
        }
      })
      slice.lastRecordAtMillis = this.deps.clock.now()
      slice.positions.set(partition, last.offset + 1)
      this.tips.set(partition, {
        tip: Math.max(tip ?? 0, last.offset + 1),
        lastArrivalMillis: last.timestamp,
      })
      slice.changedSinceCheckpoint = true
      await this.deliverPending()
      if (this.deps.checkpoints === undefined) await this.commit([{ partition, offset: last.offset + 1 }])
      else await this.checkpoint([slice], false)
    })
  }

  /**
   * Each record's data (decrypted, preprocessed), an error for error_stream, or undefined for a record the
   * preprocessor dropped.
   */
  private async open(
    partition: number,
    records: readonly StoredRecord[],
  ): Promise<(Buffer | { name: string; message: string } | undefined)[]> {
    type Opened =
      | { readonly data: Buffer; readonly partitionKey: string; readonly stored: StoredRecord }
      | { readonly name: string; readonly message: string }
    const opened = records.map((stored): Opened => {
      const record = openStoredRecord(stored, (keyId) => this.deps.keyRing?.dataKey(keyId))
      return record.ok
        ? { data: Buffer.from(record.data), partitionKey: record.partitionKey, stored }
        : { name: 'RECORD_ENCODING_ERROR', message: record.message }
    })
    const preprocessor = this.input.preprocessor
    const lambda = this.deps.lambda
    if (preprocessor === undefined || lambda === undefined) {
      return opened.map((entry) => ('stored' in entry ? entry.data : entry))
    }
    const toProcess = opened.flatMap((entry) => ('stored' in entry ? [entry] : []))
    let processed: ProcessedRecord[] = []
    for (let delay = 200; ; delay = Math.min(delay * 2, 5_000)) {
      try {
        processed = await processWithLambda(
          lambda,
          preprocessor,
          { applicationArn: this.record.applicationArn, streamArn: this.input.streamArn },
          toProcess.map(({ data, partitionKey, stored }) => ({
            data,
            partitionKey,
            shardId: shardIdOf(partition),
            sequenceNumber: sequenceNumberOf(
              { incarnation: this.input.incarnation, shardIndex: partition },
              BigInt(stored.offset),
            ),
            arrivalMillis: stored.timestamp,
          })),
        )
        break
      } catch (error) {
        this.warn('analytics: the input preprocessing function failed; retrying', error)
        if (this.stopping) throw new WorkerStoppedError('the application is stopping')
        await sleep(delay)
      }
    }
    let next = 0
    return opened.map((entry) => {
      if (!('stored' in entry)) return entry
      const result = processed[next++]
      if (result === undefined || result.result === 'Dropped') return undefined
      if (result.result === 'Ok') return result.data
      return { name: 'Lambda_Processing_Failure', message: result.message }
    })
  }

  /** Runs engine calls; an unexpected failure becomes an error_stream row instead of stopping the application. */
  private run(body: () => void): void {
    try {
      body()
    } catch (error) {
      this.emitError(
        'RUNTIME_ERROR',
        error instanceof Error ? error.message : String(error),
        this.deps.clock.now(),
        null,
      )
    }
  }

  private compile(): Application {
    const app = compileApplication(this.record.code ?? '', {
      inputs: this.inputs,
      referenceTables: this.referenceTables,
    })
    app.onRow((stream, row) => {
      this.collect(stream, row)
    })
    return app
  }

  /** A row of a stream some output names, formatted for each such output. */
  private collect(stream: string, row: Row): void {
    for (const target of this.targets) {
      const matches =
        target.streamName === stream ||
        (stream === ERROR_STREAM && target.streamName.toLowerCase() === ERROR_STREAM)
      if (!matches) continue
      const list = this.pending.get(target) ?? []
      list.push(formatRow(row, target.format))
      this.pending.set(target, list)
      this.collectedRows++
    }
  }

  /** A record that did not become rows, as error_stream reports it. */
  private emitError(name: string, message: string, rowtime: number, data: Uint8Array | null): void {
    const now = this.deps.clock.now()
    this.counters.errorRows++
    this.collect(ERROR_STREAM, {
      ERROR_TIME: { ts: now },
      ERROR_LEVEL: 'Error',
      ERROR_NAME: name.slice(0, 32),
      MESSAGE: message.slice(0, 4096),
      DATA_ROWTIME: { ts: rowtime },
      DATA_ROW: data === null ? null : Buffer.from(data).toString('hex').slice(0, 49152),
      PUMP_NAME: null,
      ROWTIME: { ts: rowtime },
    })
  }

  private async deliverPending(): Promise<void> {
    const batches = [...this.pending]
    this.pending.clear()
    await Promise.all(
      batches.map(async ([target, records]) => {
        await deliver(target, records, {
          stopped: () => this.stopping,
          sleep,
          log: this.deps.log,
          application: this.record.applicationArn,
        })
        this.deps.metrics?.delivered(
          this.record.applicationArn,
          target.outputId,
          target.destination,
          records.length,
        )
      }),
    )
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const result = this.queue.then(task)
    this.queue = result.catch(() => undefined)
    return result
  }

  private warn(message: string, error: unknown): void {
    this.deps.log('warn', message, {
      application: this.record.applicationArn,
      error: error instanceof Error ? error.message : String(error),
    })
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
