import { beforeEach, describe, expect, it } from 'vitest'
import { MemoryTableStore } from '../../test/support/memory/memory-table-store.ts'
import {
  createTestDataPlane,
  createTestStream,
  type TestDataPlane,
} from '../../test/support/streams/test-streams.ts'
import { sequenceNumberOf } from '../mapping/sequence-numbers.ts'
import type { StreamRecord } from '../ports/stream-catalog.ts'
import type { ItemDocument, TableDefinition, TableScope } from '../ports/table-store.ts'
import { createKclInspector, type KclInspector } from './inspector.ts'
import { kclApplicationsRoute } from './routes.ts'

const scope: TableScope = { accountId: '123456789012', region: 'us-east-1' }

function leaseTable(name: string, id: string): TableDefinition {
  return {
    id,
    TableName: name,
    KeySchema: [{ AttributeName: 'leaseKey', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'leaseKey', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
    DeletionProtectionEnabled: false,
    GlobalSecondaryIndexes: [],
    createdAt: 0,
  }
}

function lease(shardId: string, checkpoint: string, extra: ItemDocument = {}): ItemDocument {
  return {
    leaseKey: { S: shardId },
    leaseOwner: { S: 'worker-1' },
    checkpoint: { S: checkpoint },
    checkpointSubSequenceNumber: { N: '0' },
    leaseCounter: { N: '4' },
    ownerSwitchesSinceCheckpoint: { N: '0' },
    ...extra,
  }
}

describe('KCL inspector', () => {
  let plane: TestDataPlane
  let tables: MemoryTableStore
  let inspector: KclInspector
  let stream: StreamRecord

  async function put(table: string, id: string, item: ItemDocument): Promise<void> {
    const key = (item.leaseKey as { S: string }).S
    const ref = { scope, name: table, id }
    const definition = await tables.getTable(scope, table)
    if (definition === undefined) throw new Error(`no table ${table}`)
    expect(await tables.swapItem(ref, key, await tables.getItem(ref, key), item, definition.version)).toBe(
      'swapped',
    )
  }

  beforeEach(async () => {
    plane = createTestDataPlane()
    tables = new MemoryTableStore()
    inspector = createKclInspector({
      tables,
      catalog: plane.catalog,
      recordLog: plane.recordLog,
      clock: plane.clock,
    })
    stream = await createTestStream(plane, { name: 'orders', shardCount: 2 })
    // Shard 0: 5 records, one every second; shard 1: none.
    for (let index = 0; index < 5; index++) {
      await plane.recordLog.append(stream.topic, [
        { partition: 0, key: Buffer.from('k'), value: Buffer.from('v') },
      ])
      plane.clock.advance(1_000)
    }
    await tables.createTable(scope, leaseTable('orders-app', 't1'))
    await tables.createTable(scope, {
      ...leaseTable('other', 't2'),
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    })
  })

  it('lists only lease tables', async () => {
    expect(await inspector.applications(scope)).toEqual(['orders-app'])
  })

  it('reports owner, checkpoint and lag per shard, leaving the other entities out', async () => {
    const shard0 = { incarnation: stream.incarnation, shardIndex: 0 }
    await put('orders-app', 't1', lease('shardId-000000000000', sequenceNumberOf(shard0, 1n)))
    await put(
      'orders-app',
      't1',
      lease('shardId-000000000001', 'TRIM_HORIZON', { leaseOwner: { S: 'worker-2' } }),
    )
    await put('orders-app', 't1', { leaseKey: { S: 'Leader' }, entityType: { S: 'LEADER' } })

    const report = await inspector.describe(scope, 'orders-app', 'orders')
    expect(report?.leases).toEqual([
      expect.objectContaining({
        shardId: 'shardId-000000000000',
        stream: 'orders',
        owner: 'worker-1',
        leaseCounter: 4,
        // Records at offsets 2, 3, 4 are unprocessed; the one at offset 2 arrived 3 s ago.
        lag: { records: 3, millis: 3_000 },
      }),
      expect.objectContaining({
        shardId: 'shardId-000000000001',
        owner: 'worker-2',
        lag: { records: 0, millis: 0 },
      }),
    ])
  })

  it('a later checkpoint reduces the lag; SHARD_END is caught up', async () => {
    const shard0 = { incarnation: stream.incarnation, shardIndex: 0 }
    await put('orders-app', 't1', lease('shardId-000000000000', sequenceNumberOf(shard0, 3n)))
    let report = await inspector.describe(scope, 'orders-app', 'orders')
    expect(report?.leases[0]?.lag).toEqual({ records: 1, millis: 1_000 })
    await put('orders-app', 't1', lease('shardId-000000000000', 'SHARD_END'))
    report = await inspector.describe(scope, 'orders-app', 'orders')
    expect(report?.leases[0]?.lag).toEqual({ records: 0, millis: 0 })
  })

  it('without a stream, or with one that does not exist, the lag is unknown and says why', async () => {
    await put('orders-app', 't1', lease('shardId-000000000000', 'TRIM_HORIZON'))
    expect((await inspector.describe(scope, 'orders-app'))?.leases[0]).toMatchObject({
      stream: null,
      lag: null,
      lagUnknownReason: 'no stream named: pass ?stream=<name> (--stream)',
    })
    expect((await inspector.describe(scope, 'orders-app', 'nope'))?.leases[0]).toMatchObject({
      lag: null,
      lagUnknownReason: 'stream nope not found',
    })
  })

  it('takes the stream from a multi-stream lease key', async () => {
    await put(
      'orders-app',
      't1',
      lease('123456789012:orders:1767225600:shardId-000000000000', 'TRIM_HORIZON'),
    )
    expect((await inspector.describe(scope, 'orders-app'))?.leases[0]).toMatchObject({
      shardId: 'shardId-000000000000',
      stream: 'orders',
      lag: { records: 5, millis: 5_000 },
    })
  })

  it('a stream whose topic is gone (being deleted): the lag is unknown, the other leases are still shown', async () => {
    await put('orders-app', 't1', lease('shardId-000000000000', 'TRIM_HORIZON'))
    await plane.recordLog.deleteTopic(stream.topic)
    expect((await inspector.describe(scope, 'orders-app', 'orders'))?.leases[0]).toMatchObject({
      owner: 'worker-1',
      lag: null,
      lagUnknownReason: 'the topic of stream orders is gone',
    })
  })

  it('is undefined for a missing table or one that is not a lease table', async () => {
    expect(await inspector.describe(scope, 'missing')).toBeUndefined()
    expect(await inspector.describe(scope, 'other')).toBeUndefined()
  })

  describe('route', () => {
    const defaults = { defaultAccountId: '123456789012', defaultRegion: 'us-east-1' }
    const get = (path: string, query = '') =>
      kclApplicationsRoute(inspector, defaults).handle({ path, query: new URLSearchParams(query) })

    it('answers the list, an application, 404 and 400', async () => {
      expect(await get('/kcl/applications')).toEqual({
        status: 200,
        body: { ...scope, applications: ['orders-app'] },
      })
      expect(await get('/kcl/applications', 'region=eu-west-1')).toMatchObject({ body: { applications: [] } })
      expect(await get('/kcl/applications/orders-app', 'stream=orders')).toMatchObject({
        status: 200,
        body: { application: 'orders-app', leases: [] },
      })
      expect((await get('/kcl/applications/missing')).status).toBe(404)
      expect((await get('/kcl/applications/a/b')).status).toBe(404)
      expect((await get('/kcl/applications', 'account=x')).status).toBe(400)
    })

    it('answers 503 while the table store is unavailable', async () => {
      tables.unavailable = true
      expect((await get('/kcl/applications')).status).toBe(503)
    })
  })
})
