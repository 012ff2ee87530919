// KCL applications as the gateway holds them: lease tables (through the DynamoDB table store) read against the
// streams they consume (catalog and record log), so that checkpoints and lag can be seen without a DynamoDB
// client.

import { parseShardId } from '../mapping/shard-ids.ts'
import type { Clock } from '../ports/clock.ts'
import { TopicNotFoundError, type RecordLog, type ReadResult } from '../ports/record-log.ts'
import type { StreamCatalog, StreamRecord } from '../ports/stream-catalog.ts'
import type { TableScope, TableStore } from '../ports/table-store.ts'
import {
  checkpointPosition,
  millisBehind,
  nextUnprocessedOffset,
  recordsBehind,
  type ShardOffsets,
} from './lag.ts'
import { isLeaseTable, leaseOf, type Lease } from './leases.ts'

export interface KclInspectorDeps {
  readonly tables: TableStore
  readonly catalog: StreamCatalog
  readonly recordLog: RecordLog
  readonly clock: Clock
}

export interface ApplicationReport {
  readonly application: string
  readonly accountId: string
  readonly region: string
  readonly leases: LeaseReport[]
}

export interface LeaseReport {
  readonly leaseKey: string
  readonly shardId: string
  /** The stream the lag was measured on; null when none was named (by the lease or the request). */
  readonly stream: string | null
  readonly owner: string | null
  readonly checkpoint: string | null
  readonly checkpointSubSequenceNumber: number
  readonly pendingCheckpoint: string | null
  readonly leaseCounter: number
  readonly ownerSwitchesSinceCheckpoint: number
  /** Null when it cannot be measured; `lagUnknownReason` says why. */
  readonly lag: { readonly records: number; readonly millis: number } | null
  readonly lagUnknownReason?: string
}

export interface KclInspector {
  /** Names of the scope's tables that are KCL lease tables (keyed by `leaseKey`), in ascending order. */
  applications(scope: TableScope): Promise<string[]>
  /**
   * The leases of the application's table, by lease key, or undefined when there is no such lease table. Lag is
   * measured on the stream the lease names, else on `streamName`.
   */
  describe(
    scope: TableScope,
    application: string,
    streamName?: string,
  ): Promise<ApplicationReport | undefined>
}

const FIRST_RECORD_READ = { maxRecords: 1, maxBytes: 1024 * 1024, maxWaitMs: 0 }

export function createKclInspector(deps: KclInspectorDeps): KclInspector {
  const { tables, catalog, recordLog, clock } = deps

  async function applications(scope: TableScope): Promise<string[]> {
    const names = await tables.listTables(scope)
    const definitions = await Promise.all(names.map((name) => tables.getTable(scope, name)))
    return names.filter((_, index) => {
      const table = definitions[index]
      return table !== undefined && isLeaseTable(table.value)
    })
  }

  async function describe(
    scope: TableScope,
    application: string,
    streamName?: string,
  ): Promise<ApplicationReport | undefined> {
    const table = await tables.getTable(scope, application)
    if (table === undefined || !isLeaseTable(table.value)) return undefined
    const items = await tables.items({ scope, name: application, id: table.value.id })
    const leases = items
      .map(leaseOf)
      .filter((lease) => lease !== undefined)
      .sort((a, b) => (a.leaseKey < b.leaseKey ? -1 : a.leaseKey > b.leaseKey ? 1 : 0))
    const streams = new Map<string, Promise<StreamRecord | undefined>>()
    const streamOf = (accountId: string, name: string): Promise<StreamRecord | undefined> => {
      const key = `${accountId}:${name}`
      let stream = streams.get(key)
      if (stream === undefined) {
        stream = catalog.get({ accountId, region: scope.region, streamName: name })
        streams.set(key, stream)
      }
      return stream
    }
    const reports = await Promise.all(
      leases.map(async (lease) => {
        const named = lease.stream ?? (streamName === undefined ? undefined : { name: streamName })
        if (named === undefined) {
          return report(lease, null, unknown('no stream named: pass ?stream=<name> (--stream)'))
        }
        const stream = await streamOf(named.accountId ?? scope.accountId, named.name)
        if (stream === undefined) return report(lease, named.name, unknown(`stream ${named.name} not found`))
        return report(lease, named.name, await lagOf(lease, stream))
      }),
    )
    return { application, accountId: scope.accountId, region: scope.region, leases: reports }
  }

  async function lagOf(lease: Lease, stream: StreamRecord): Promise<Lag> {
    const shardIndex = parseShardId(lease.shardId)
    const shard = stream.shards.find((candidate) => candidate.index === shardIndex)
    if (shardIndex === undefined || shard === undefined) {
      return unknown(`stream ${stream.streamName} has no shard ${lease.shardId}`)
    }
    let offsets: ShardOffsets
    try {
      offsets = await recordLog.offsetRange(stream.topic, shardIndex)
    } catch (error) {
      if (error instanceof TopicNotFoundError)
        return unknown(`the topic of stream ${stream.streamName} is gone`)
      throw error
    }
    const position = checkpointPosition(
      lease.checkpoint,
      { incarnation: stream.incarnation, shardIndex },
      offsets,
    )
    if (position.kind === 'unknown') return unknown(position.reason)
    const next = nextUnprocessedOffset(position, offsets)
    let arrival: number | undefined
    if (next !== undefined) {
      const read: ReadResult | undefined = await recordLog
        .read(stream.topic, shardIndex, next, FIRST_RECORD_READ)
        .catch((error: unknown) => {
          if (error instanceof TopicNotFoundError) return undefined
          throw error
        })
      arrival = read?.records[0]?.timestamp
    }
    return { lag: { records: recordsBehind(position, offsets), millis: millisBehind(clock.now(), arrival) } }
  }

  return { applications, describe }
}

type Lag = { lag: { records: number; millis: number } } | { lag: null; reason: string }

function unknown(reason: string): Lag {
  return { lag: null, reason }
}

function report(lease: Lease, stream: string | null, lag: Lag): LeaseReport {
  return {
    leaseKey: lease.leaseKey,
    shardId: lease.shardId,
    stream,
    owner: lease.owner ?? null,
    checkpoint: lease.checkpoint ?? null,
    checkpointSubSequenceNumber: lease.checkpointSubSequenceNumber,
    pendingCheckpoint: lease.pendingCheckpoint ?? null,
    leaseCounter: lease.leaseCounter,
    ownerSwitchesSinceCheckpoint: lease.ownerSwitchesSinceCheckpoint,
    lag: lag.lag,
    ...(lag.lag === null ? { lagUnknownReason: lag.reason } : {}),
  }
}
