import { KinesisClient, SubscribeToShardCommand } from '@aws-sdk/client-kinesis'

import { waitFor } from './common.ts'
import type { GatewayProcess } from './gateway-process.ts'
import { KinesisHttp2 } from './kinesis-http2.ts'
import { format, percentile, printTable } from './table.ts'

const RATE_PER_SECOND = 1000
const BATCH = 10
const SECONDS = Number(process.env.BENCH_PROPAGATION_SECONDS ?? 10)
const POLL_INTERVAL_MS = 200

function nowMs(): number {
  return performance.timeOrigin + performance.now()
}

/**
 * Put-to-delivery latency at 1k records/s: every record carries its send time; a SubscribeToShard consumer and a
 * GetRecords poller (every 200 ms) measure when they see it.
 */
export async function propagation(gateway: GatewayProcess, accountId: string): Promise<void> {
  const client = new KinesisHttp2(gateway.endpoint, accountId)
  const streamName = `bench-propagation-${Date.now()}`
  await client.json('CreateStream', { StreamName: streamName, ShardCount: 1 })
  await waitFor(async () => {
    const summary = await client.json<{
      StreamDescriptionSummary: { StreamStatus: string; StreamARN: string }
    }>('DescribeStreamSummary', { StreamName: streamName })
    return summary.StreamDescriptionSummary.StreamStatus === 'ACTIVE'
  })
  const streamArn = `arn:aws:kinesis:us-east-1:${accountId}:stream/${streamName}`
  const { Consumer } = await client.json<{ Consumer: { ConsumerARN: string } }>('RegisterStreamConsumer', {
    StreamARN: streamArn,
    ConsumerName: 'bench',
  })
  await waitFor(async () => {
    const described = await client.json<{ ConsumerDescription: { ConsumerStatus: string } }>(
      'DescribeStreamConsumer',
      {
        ConsumerARN: Consumer.ConsumerARN,
      },
    )
    return described.ConsumerDescription.ConsumerStatus === 'ACTIVE'
  })

  const pushed: number[] = []
  const polled: number[] = []
  const sdk = new KinesisClient({
    endpoint: gateway.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: accountId, secretAccessKey: 'bench' },
  })
  const abort = new AbortController()
  const subscription = (async () => {
    const response = await sdk.send(
      new SubscribeToShardCommand({
        ConsumerARN: Consumer.ConsumerARN,
        ShardId: 'shardId-000000000000',
        StartingPosition: { Type: 'LATEST' },
      }),
      { abortSignal: abort.signal },
    )
    for await (const event of response.EventStream ?? []) {
      const received = nowMs()
      for (const record of event.SubscribeToShardEvent?.Records ?? []) {
        pushed.push(received - Number(Buffer.from(record.Data ?? []).toString()))
      }
    }
  })().catch(() => undefined)

  const { ShardIterator } = await client.json<{ ShardIterator: string }>('GetShardIterator', {
    StreamName: streamName,
    ShardId: 'shardId-000000000000',
    ShardIteratorType: 'LATEST',
  })
  const state = { producing: true }
  const poller = (async () => {
    let iterator: string | undefined = ShardIterator
    while (iterator !== undefined && (state.producing || polled.length < pushed.length)) {
      const page: { Records: { Data: string }[]; NextShardIterator?: string } = await client.json(
        'GetRecords',
        {
          ShardIterator: iterator,
        },
      )
      const received = nowMs()
      for (const record of page.Records)
        polled.push(received - Number(Buffer.from(record.Data, 'base64').toString()))
      iterator = page.NextShardIterator
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS))
      if (!state.producing && page.Records.length === 0) break
    }
  })()

  await new Promise((resolve) => setTimeout(resolve, 1000))
  const intervalMs = (1000 * BATCH) / RATE_PER_SECOND
  const end = nowMs() + SECONDS * 1000
  let sent = 0
  while (nowMs() < end) {
    const tick = nowMs()
    const records = Array.from({ length: BATCH }, () => ({
      PartitionKey: 'k',
      Data: Buffer.from(String(nowMs())).toString('base64'),
    }))
    void client.json('PutRecords', { StreamName: streamName, Records: records })
    sent += BATCH
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, intervalMs - (nowMs() - tick))))
  }
  await new Promise((resolve) => setTimeout(resolve, 1500))
  state.producing = false
  await poller
  abort.abort()
  await subscription
  sdk.destroy()
  await client.json('DeleteStream', { StreamName: streamName, EnforceConsumerDeletion: true })
  client.close()

  printTable(
    `Propagation: ${format(RATE_PER_SECOND)} records/s for ${SECONDS} s (${format(sent)} sent), put-to-delivery latency`,
    ['', 'received', 'p50 ms', 'p99 ms'],
    [
      [
        'SubscribeToShard (push)',
        format(pushed.length),
        format(percentile(pushed, 50), 1),
        format(percentile(pushed, 99), 1),
      ],
      [
        `GetRecords every ${POLL_INTERVAL_MS} ms`,
        format(polled.length),
        format(percentile(polled, 50), 1),
        format(percentile(polled, 99), 1),
      ],
    ],
  )
}
