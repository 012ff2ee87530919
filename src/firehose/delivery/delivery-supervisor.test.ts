import { afterEach, describe, expect, it, vi } from 'vitest'

import { FakeClock } from '../../../test/support/fake-clock.ts'
import {
  deliveryStreamRecord,
  type TestDeliveryStream,
} from '../../../test/support/firehose/delivery-streams.ts'
import { MemoryConsumerGroups } from '../../../test/support/memory/memory-consumer-groups.ts'
import { MemoryObjectStore } from '../../../test/support/memory/memory-object-store.ts'
import type { DeliveryStreamRecord } from '../../ports/delivery-streams.ts'
import { deliveryConfigOf, deliveryGroupId } from './delivery-config.ts'
import { DeliveryMetrics } from './delivery-metrics.ts'
import { startDeliverySupervisor, type DeliverySupervisor } from './delivery-supervisor.ts'

const supervisors: DeliverySupervisor[] = []

afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((supervisor) => supervisor.stop()))
})

function setup() {
  const clock = new FakeClock()
  const groups = new MemoryConsumerGroups()
  groups.createTopic('t', 1)
  const store = new MemoryObjectStore()
  let streams: DeliveryStreamRecord[] = []
  const warnings: string[] = []
  const supervisor = startDeliverySupervisor(
    {
      groups,
      objectStore: store,
      clock,
      keyRing: undefined,
      metrics: new DeliveryMetrics(() => clock.now()),
      settings: { maxBufferedBytes: 1 << 20, retryInitialMs: 1, retryMaxMs: 5, stopTimeoutMs: 1_000 },
      log: (_level, message) => {
        warnings.push(message)
      },
      listDeliveryStreams: () => Promise.resolve(streams),
    },
    { pollIntervalMs: 60_000, tickIntervalMs: 60_000 },
  )
  supervisors.push(supervisor)
  return {
    groups,
    store,
    supervisor,
    warnings,
    set(next: TestDeliveryStream[]) {
      streams = next.map(deliveryStreamRecord)
    },
  }
}

const base: TestDeliveryStream = { name: 'orders', topic: 't', bucket: 'b' }

describe('delivery supervisor', () => {
  it('starts a worker per ACTIVE delivery stream, replaces it on a new version, stops it when the stream goes', async () => {
    const s = setup()
    await s.supervisor.reconcile()
    expect(s.supervisor.running()).toEqual([])

    s.set([base])
    await s.supervisor.reconcile()
    expect(s.supervisor.running()).toEqual(['123456789012/us-east-1/orders@1'])

    // The replaced worker delivers what it held and commits before the new one starts.
    s.groups.append('t', 0, Buffer.from('held'), Date.now())
    await s.groups.pump()
    s.set([{ ...base, versionId: '2' }])
    await s.supervisor.reconcile()
    expect(s.supervisor.running()).toEqual(['123456789012/us-east-1/orders@2'])
    expect([...s.store.objects('b').keys()][0]).toMatch(/orders-1-/)
    expect(s.groups.committedOffset(deliveryGroupId(deliveryConfigOf(deliveryStreamRecord(base))), 0)).toBe(1)

    s.set([])
    await s.supervisor.reconcile()
    expect(s.supervisor.running()).toEqual([])
  })

  it('leaves a stream whose processing it does not have, once reported, and its records in Kafka', async () => {
    const s = setup()
    s.set([
      {
        ...base,
        destination: {
          ProcessingConfiguration: {
            Enabled: true,
            Processors: [{ Type: 'AppendDelimiterToRecord', Parameters: [] }],
          },
        },
      },
    ])
    await s.supervisor.reconcile()
    await s.supervisor.reconcile()
    expect(s.supervisor.running()).toEqual([])
    expect(s.warnings.filter((warning) => warning.includes('no processing'))).toHaveLength(1)
  })

  it('retries a worker that cannot start at the next poll', async () => {
    const s = setup()
    s.store.down = false
    const join = vi.spyOn(s.groups, 'join').mockRejectedValueOnce(new Error('Kafka is down'))
    s.set([base])
    await s.supervisor.reconcile()
    expect(s.supervisor.running()).toEqual([])
    await s.supervisor.reconcile()
    expect(s.supervisor.running()).toEqual(['123456789012/us-east-1/orders@1'])
    expect(join).toHaveBeenCalledTimes(2)
  })

  it('starts new streams while the worker of a deleted one is still stopping, and waits for it when it stops', async () => {
    const s = setup()
    s.groups.createTopic('u', 1)
    // The deleted stream's last delivery hangs (stopTimeoutMs is 1 s here).
    let release = (): void => undefined
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const put = s.store.put.bind(s.store)
    vi.spyOn(s.store, 'put').mockImplementation(async (bucket, ...rest) => {
      if (bucket === 'slow') await gate
      return put(bucket, ...rest)
    })
    s.set([{ ...base, bucket: 'slow' }])
    await s.supervisor.reconcile()
    s.groups.append('t', 0, Buffer.from('held'), Date.now())
    await s.groups.pump()

    s.set([{ name: 'other', topic: 'u', bucket: 'b' }])
    const started = Date.now()
    await s.supervisor.reconcile()
    expect(Date.now() - started).toBeLessThan(500)
    expect(s.supervisor.running()).toEqual(['123456789012/us-east-1/other@1'])

    release()
    await s.supervisor.stop()
    expect([...s.store.objects('slow').keys()]).toHaveLength(1)
  })
})
