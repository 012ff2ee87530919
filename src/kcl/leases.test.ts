import { describe, expect, it } from 'vitest'
import type { TableDefinition } from '../ports/table-store.ts'
import { isLeaseTable, leaseOf, parseLeaseKey } from './leases.ts'

// Item shapes as KCL 3.x writes them (see the reference of what KCL stores).
const lease = {
  leaseKey: { S: 'shardId-000000000000' },
  leaseOwner: { S: 'worker-1' },
  checkpoint: { S: 'TRIM_HORIZON' },
  checkpointSubSequenceNumber: { N: '0' },
  leaseCounter: { N: '5' },
  ownerSwitchesSinceCheckpoint: { N: '1' },
  startingHashKey: { S: '0' },
  endingHashKey: { S: '170141183460469231731687303715884105727' },
}

describe('leaseOf', () => {
  it('reads a lease item', () => {
    expect(leaseOf(lease)).toEqual({
      leaseKey: 'shardId-000000000000',
      shardId: 'shardId-000000000000',
      stream: undefined,
      owner: 'worker-1',
      checkpoint: 'TRIM_HORIZON',
      checkpointSubSequenceNumber: 0,
      pendingCheckpoint: undefined,
      leaseCounter: 5,
      ownerSwitchesSinceCheckpoint: 1,
    })
  })

  it('reads an unowned lease with a sub-sequence number and a pending checkpoint', () => {
    const { leaseOwner: _, ...unowned } = lease
    const read = leaseOf({
      ...unowned,
      checkpointSubSequenceNumber: { N: '3' },
      pendingCheckpoint: { S: 'SHARD_END' },
    })
    expect(read?.owner).toBeUndefined()
    expect(read?.checkpointSubSequenceNumber).toBe(3)
    expect(read?.pendingCheckpoint).toBe('SHARD_END')
  })

  it('skips the leader, worker metrics and client-version migration entities', () => {
    const leader = {
      leaseKey: { S: 'Leader' },
      ownerName: { S: 'w' },
      recordVersionNumber: { S: 'r' },
      entityType: { S: 'LEADER' },
      leaseDuration: { S: '120000' },
    }
    const migration = {
      leaseKey: { S: 'Migration3.0' },
      entityType: { S: 'CLIENT_VERSION_MIGRATION' },
      cv: { S: 'CLIENT_VERSION_3X' },
      mts: { N: '1796612236407' },
    }
    const metrics = {
      leaseKey: { S: 'worker-1' },
      entityType: { S: 'WORKER_METRIC_STATS' },
      leaseCounter: { N: '1' },
    }
    expect(leaseOf(leader)).toBeUndefined()
    expect(leaseOf(migration)).toBeUndefined()
    expect(leaseOf(metrics)).toBeUndefined()
  })

  it('skips items without a string lease key or a lease counter', () => {
    expect(leaseOf({ leaseKey: { S: 'shardId-000000000000' } })).toBeUndefined()
    expect(leaseOf({ leaseKey: { N: '1' }, leaseCounter: { N: '1' } })).toBeUndefined()
  })

  it('takes the stream from a multi-stream lease key, else from streamName', () => {
    expect(
      leaseOf({ ...lease, leaseKey: { S: '123456789012:orders:1700000000:shardId-000000000002' } }),
    ).toMatchObject({
      shardId: 'shardId-000000000002',
      stream: { name: 'orders', accountId: '123456789012' },
    })
    expect(leaseOf({ ...lease, streamName: { S: 'payments' } })?.stream).toEqual({ name: 'payments' })
  })
})

describe('parseLeaseKey', () => {
  it('keeps a plain shard id, and keys that only look like the multi-stream form', () => {
    expect(parseLeaseKey('shardId-000000000007')).toEqual({
      shardId: 'shardId-000000000007',
      stream: undefined,
    })
    expect(parseLeaseKey('a:b:c:d').stream).toBeUndefined()
  })
})

describe('isLeaseTable', () => {
  const table = (keySchema: TableDefinition['KeySchema']): TableDefinition => ({
    id: 'id',
    TableName: 't',
    KeySchema: keySchema,
    AttributeDefinitions: [],
    BillingMode: 'PAY_PER_REQUEST',
    DeletionProtectionEnabled: false,
    GlobalSecondaryIndexes: [],
    createdAt: 0,
  })

  it('is a table keyed by leaseKey alone', () => {
    expect(isLeaseTable(table([{ AttributeName: 'leaseKey', KeyType: 'HASH' }]))).toBe(true)
    expect(isLeaseTable(table([{ AttributeName: 'id', KeyType: 'HASH' }]))).toBe(false)
    expect(
      isLeaseTable(
        table([
          { AttributeName: 'leaseKey', KeyType: 'HASH' },
          { AttributeName: 'x', KeyType: 'RANGE' },
        ]),
      ),
    ).toBe(false)
  })
})
