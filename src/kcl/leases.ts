// KCL's lease table, read as KCL writes it: one item per shard lease (`leaseKey` = the shard id, or in
// multi-stream mode `account:stream:creationEpoch:shardId`), beside items that are not leases (the leader,
// worker metrics, the client-version migration record), which carry an `entityType` and no lease counter.

import type { ItemDocument, TableDefinition } from '../ports/table-store.ts'

export const LEASE_KEY = 'leaseKey'

export interface Lease {
  readonly leaseKey: string
  readonly shardId: string
  /** The stream the lease names: multi-stream lease keys name it, and some KCL versions store `streamName`. */
  readonly stream: LeaseStream | undefined
  readonly owner: string | undefined
  /** A sequence number, or TRIM_HORIZON / LATEST / AT_TIMESTAMP / SHARD_END. */
  readonly checkpoint: string | undefined
  readonly checkpointSubSequenceNumber: number
  readonly pendingCheckpoint: string | undefined
  readonly leaseCounter: number
  readonly ownerSwitchesSinceCheckpoint: number
}

export interface LeaseStream {
  readonly name: string
  /** Set by multi-stream lease keys. */
  readonly accountId?: string
}

/** A table KCL made for its leases: keyed by `leaseKey` alone. */
export function isLeaseTable(table: TableDefinition): boolean {
  const [hash, ...rest] = table.KeySchema
  return rest.length === 0 && hash?.AttributeName === LEASE_KEY && hash.KeyType === 'HASH'
}

/** The lease an item holds, or undefined for the table's other entities (and anything unrecognisable). */
export function leaseOf(item: ItemDocument): Lease | undefined {
  if (item.entityType !== undefined) return undefined
  const leaseKey = stringOf(item[LEASE_KEY])
  const leaseCounter = numberOf(item.leaseCounter)
  if (leaseKey === undefined || leaseCounter === undefined) return undefined
  const { shardId, stream } = parseLeaseKey(leaseKey)
  const streamName = stringOf(item.streamName)
  return {
    leaseKey,
    shardId,
    stream: stream ?? (streamName === undefined ? undefined : { name: streamName }),
    owner: stringOf(item.leaseOwner),
    checkpoint: stringOf(item.checkpoint),
    checkpointSubSequenceNumber: numberOf(item.checkpointSubSequenceNumber) ?? 0,
    pendingCheckpoint: stringOf(item.pendingCheckpoint),
    leaseCounter,
    ownerSwitchesSinceCheckpoint: numberOf(item.ownerSwitchesSinceCheckpoint) ?? 0,
  }
}

/** `shardId-…`, or the multi-stream form `account:stream:creationEpoch:shardId`. */
export function parseLeaseKey(leaseKey: string): { shardId: string; stream: LeaseStream | undefined } {
  const parts = leaseKey.split(':')
  const [accountId, name, creationEpoch, shardId] = parts
  if (
    parts.length === 4 &&
    accountId !== undefined &&
    name !== undefined &&
    shardId !== undefined &&
    /^\d{12}$/.test(accountId) &&
    name !== '' &&
    /^\d+$/.test(creationEpoch ?? '')
  ) {
    return { shardId, stream: { name, accountId } }
  }
  return { shardId: leaseKey, stream: undefined }
}

function stringOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('S' in value)) return undefined
  return typeof value.S === 'string' ? value.S : undefined
}

function numberOf(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null || !('N' in value) || typeof value.N !== 'string') {
    return undefined
  }
  const number = Number(value.N)
  return Number.isFinite(number) ? number : undefined
}
