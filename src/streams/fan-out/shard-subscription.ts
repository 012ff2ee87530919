// One SubscribeToShard once it is accepted: the events it sends, the lease it holds, and how it ends.
//
// Events: a SubscribeToShardEvent for every batch of records, as soon as the shard's tail or the subscriber's own
// catch-up read has one, and one without records after `heartbeatIntervalMs` of silence. ContinuationSequenceNumber
// is the number of the last record sent (or the position where the subscription stands): AFTER_SEQUENCE_NUMBER
// with it resumes without a gap or a repeat. When a closed shard has been delivered to its end, a last event
// carries its ChildShards and no ContinuationSequenceNumber (how clients recognise the end of a shard), and the
// stream ends. Records of a shard that a reshard is closing are held back until it is sealed, so that nothing
// past its end is ever sent.
//
// The subscription ends cleanly after `subscriptionDurationMs`, when its lease is lost, or when the consumer is
// deregistered; its lease is renewed every `leaseRenewIntervalMs` and released at the end.

import type { _Record, ChildShard } from '@aws-sdk/client-kinesis'

import type { StreamEvent } from '../../aws/index.ts'
import { endingSequenceNumber } from '../../mapping/sequence-numbers.ts'
import type { SubscriptionLease } from '../../ports/subscription-leases.ts'
import { TopicNotFoundError } from '../../ports/record-log.ts'
import type { ShardRecord, StreamKey, StreamRecord } from '../../ports/stream-catalog.ts'
import type { FanOutSettings, StreamsDeps } from '../deps.ts'
import { kinesisRecordsOf } from '../records/kinesis-records.ts'
import type { StreamRoutingCache } from '../records/routing.ts'
import { findReadableStream, shardNotFound } from '../records/stream-access.ts'
import { isClosing } from '../catalog/shard-map.ts'
import { visibleConsumer } from './stream-consumers.ts'
import type { ShardBatch, ShardReader, ShardTails } from './shard-tail.ts'

export const SUBSCRIBE_TO_SHARD_EVENT = 'SubscribeToShardEvent'

/** How long the lease outlives a renewal: two renewals may fail before another subscription can take over. */
const LEASE_TTL_RENEWALS = 3

/** How often a subscription looks again at a shard that a reshard is closing, until it is sealed. */
const CLOSING_SHARD_RECHECK_MS = 100

export interface AcceptedSubscription {
  key: StreamKey
  stream: StreamRecord
  shardIndex: number
  consumerArn: string
  fromOffset: number
  lease: SubscriptionLease
}

export function leaseTtlMs(settings: Required<FanOutSettings>): number {
  return settings.leaseRenewIntervalMs * LEASE_TTL_RENEWALS
}

/**
 * The events of an accepted subscription. Stopping the iteration (`return()`, when the client goes away) ends
 * the subscription at once, even while it waits for records, and releases its lease.
 */
export function subscriptionEvents(
  deps: StreamsDeps,
  tails: ShardTails,
  routes: StreamRoutingCache,
  settings: Required<FanOutSettings>,
  accepted: AcceptedSubscription,
): AsyncIterable<StreamEvent> {
  const subscription = new ShardSubscription(deps, tails, routes, settings, accepted)
  const events = subscription.events()
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => events.next(),
      return: async () => {
        await subscription.close()
        return events.return(undefined)
      },
    }),
  }
}

class ShardSubscription {
  private readonly reader: ShardReader
  private readonly stopped = new AbortController()
  private readonly deadline: number
  private readonly renewTimer: NodeJS.Timeout
  /** The offset after the last record sent, or where the subscription stands when it sent none yet. */
  private position: number
  /** When the last event was sent: the next one without records is due one heartbeat interval later. */
  private lastEventAt: number
  private closed: Promise<void> | undefined

  constructor(
    private readonly deps: StreamsDeps,
    tails: ShardTails,
    private readonly routes: StreamRoutingCache,
    private readonly settings: Required<FanOutSettings>,
    private readonly accepted: AcceptedSubscription,
  ) {
    const { stream, shardIndex, fromOffset } = accepted
    this.reader = tails.reader(stream.topic, shardIndex, fromOffset)
    this.position = fromOffset
    this.deadline = performance.now() + settings.subscriptionDurationMs
    this.lastEventAt = performance.now()
    this.renewTimer = setInterval(() => void this.renewLease(), settings.leaseRenewIntervalMs)
  }

  async *events(): AsyncGenerator<StreamEvent, undefined, undefined> {
    try {
      for (;;) {
        if (this.hasStopped()) return undefined
        const shard = await this.currentShard()
        const end = shard.endingOffset
        if (end !== undefined && this.position >= end) {
          yield this.shardEndEvent(shard)
          return undefined
        }
        const remaining = this.deadline - performance.now()
        if (remaining <= 0) return undefined
        const silence = Math.min(
          remaining,
          this.lastEventAt + this.settings.heartbeatIntervalMs - performance.now(),
        )
        if (isClosing(shard) && silence > 0) {
          await this.pause(Math.min(silence, CLOSING_SHARD_RECHECK_MS))
          continue
        }
        const batch = isClosing(shard) ? undefined : await this.read(Math.max(0, silence))
        if (this.hasStopped()) return undefined
        if (batch === undefined && performance.now() >= this.deadline) return undefined
        this.lastEventAt = performance.now()
        yield batch === undefined ? this.heartbeatEvent(end) : this.recordsEvent(batch, end)
      }
    } finally {
      await this.close()
    }
  }

  /** Ends the subscription: stops reading and renewing, gives the lease up. Safe to call more than once. */
  close(): Promise<void> {
    this.closed ??= this.release()
    return this.closed
  }

  private async release(): Promise<void> {
    this.stopped.abort()
    clearInterval(this.renewTimer)
    this.reader.close()
    try {
      await this.leases().release(this.accepted.lease)
    } catch {
      // The lease expires by itself within its time-to-live.
    }
  }

  /** A method, so that it is read again after every await. */
  private hasStopped(): boolean {
    return this.stopped.signal.aborted
  }

  private async read(timeoutMs: number): Promise<ShardBatch | undefined> {
    try {
      return await this.reader.next(timeoutMs, this.stopped.signal)
    } catch (error) {
      if (error instanceof TopicNotFoundError)
        throw shardNotFound(this.accepted.key, this.accepted.shardIndex)
      // Anything else (Kafka unavailable included) is logged and reaches the client as InternalFailure.
      throw error
    }
  }

  private recordsEvent(batch: ShardBatch, end: number | undefined): StreamEvent {
    const { incarnation } = this.accepted.stream
    const scope = { incarnation, shardIndex: this.accepted.shardIndex }
    const records = kinesisRecordsOf(batch.records, scope, this.deps.keyRing, end)
    const last = records.length === 0 ? undefined : batch.records[records.length - 1]
    this.position = last === undefined ? (end ?? this.reader.position) : last.offset + 1
    const millisBehind =
      last === undefined || this.position >= batch.highWatermark
        ? 0
        : Math.max(0, this.deps.clock.now() - last.timestamp)
    return this.event(records, millisBehind)
  }

  private heartbeatEvent(end: number | undefined): StreamEvent {
    // The reader may have skipped records that retention removed.
    this.position = Math.min(Math.max(this.position, this.reader.position), end ?? Number.MAX_SAFE_INTEGER)
    return this.event([], 0)
  }

  private event(records: _Record[], millisBehindLatest: number): StreamEvent {
    const scope = { incarnation: this.accepted.stream.incarnation, shardIndex: this.accepted.shardIndex }
    return {
      type: 'event',
      eventType: SUBSCRIBE_TO_SHARD_EVENT,
      payload: {
        Records: records,
        ContinuationSequenceNumber: endingSequenceNumber(scope, BigInt(this.position)),
        MillisBehindLatest: millisBehindLatest,
      },
    }
  }

  private shardEndEvent(shard: ShardRecord): StreamEvent {
    const childShards: ChildShard[] = this.routes.of(this.accepted.stream).childShards(shard.index)
    return {
      type: 'event',
      eventType: SUBSCRIBE_TO_SHARD_EVENT,
      payload: { Records: [], MillisBehindLatest: 0, ChildShards: childShards },
    }
  }

  /** The shard as this replica's catalog shows it now; gone when the stream was deleted (or created again). */
  private async currentShard(): Promise<ShardRecord> {
    const { key, shardIndex, stream: subscribed } = this.accepted
    const stream = await findReadableStream(this.deps, key)
    const shard =
      stream?.incarnation === subscribed.incarnation ? this.routes.of(stream).shard(shardIndex) : undefined
    if (stream === undefined || shard === undefined) throw shardNotFound(key, shardIndex)
    this.accepted.stream = stream
    return shard
  }

  private async renewLease(): Promise<void> {
    if (performance.now() >= this.deadline) {
      await this.close()
      return
    }
    try {
      const renewed = await this.leases().renew(this.accepted.lease, leaseTtlMs(this.settings))
      if (!renewed || !(await this.consumerIsActive())) this.stopped.abort()
    } catch {
      // Redis may be back at the next renewal; the lease outlives a few failed ones.
    }
  }

  private async consumerIsActive(): Promise<boolean> {
    const stored = await this.deps.consumers?.getByArn(this.accepted.consumerArn)
    if (stored === undefined) return false
    return visibleConsumer(stored, this.accepted.stream, this.deps.clock.now())?.status === 'ACTIVE'
  }

  private leases() {
    const leases = this.deps.subscriptionLeases
    if (leases === undefined) throw new Error('SubscribeToShard runs only with subscription leases')
    return leases
  }

  private pause(millis: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.stopped.signal.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, millis)
      this.stopped.signal.addEventListener('abort', done)
    })
  }
}
