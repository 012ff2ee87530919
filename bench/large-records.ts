import { randomBytes } from 'node:crypto'

import type { StackEndpoints } from '../src/stack/types.ts'
import {
  ACCOUNT,
  BATCH,
  CLIENTS,
  load,
  putRecordsBodies,
  RECORD_BYTES,
  REPETITIONS,
  SHARDS,
  waitFor,
} from './common.ts'
import { startGatewayProcess, type GatewayProcess } from './gateway-process.ts'
import { KinesisHttp2 } from './kinesis-http2.ts'
import { format, median, percentile, printTable } from './table.ts'

/**
 * Scenario 7: scenario 1's load (PutRecords of 500 x 1 KiB, 4 shards, 8 clients) alone, then with every 50th
 * call (2%) a PutRecord of one 5-10 MiB record. The latency of the small calls, and the gateway's peak resident
 * memory. The gateway is a process of its own, so that its memory owes nothing to the scenarios before.
 */
const REQUESTS = Number(process.env.BENCH_LARGE_REQUESTS ?? process.env.BENCH_INGEST_REQUESTS ?? 200)
const LARGE_EVERY = 50
const MIB = 1024 * 1024
/** Largest first: the biggest a 10 MiB stream takes with a 16-character partition key, down to 5 MiB. */
const LARGE_SIZES = [10 * MIB - 16, 8.5 * MIB, 6.5 * MIB, 5 * MIB]
const TARGET_PEAK_BYTES = 512 * MIB

interface MixRun {
  smallLatenciesMs: number[]
  largeLatenciesMs: number[]
  peakBytes: number
}

export async function largeRecords(stack: StackEndpoints): Promise<void> {
  const gateway = await startGatewayProcess(stack)
  const clients = Array.from({ length: CLIENTS }, () => new KinesisHttp2(gateway.endpoint, ACCOUNT))
  const first = clients[0] as KinesisHttp2
  const streamName = `bench-large-${Date.now()}`
  const alone: MixRun[] = []
  const mixed: MixRun[] = []
  const startRss = gateway.residentBytes()
  try {
    await first.json('CreateStream', {
      StreamName: streamName,
      ShardCount: SHARDS,
      MaxRecordSizeInKiB: 10 * 1024,
    })
    await waitFor(async () => {
      const summary = await first.json<{ StreamDescriptionSummary: { StreamStatus: string } }>(
        'DescribeStreamSummary',
        { StreamName: streamName },
      )
      return summary.StreamDescriptionSummary.StreamStatus === 'ACTIVE'
    })
    const small = putRecordsBodies(streamName, 16)
    const large = LARGE_SIZES.map((size) =>
      Buffer.from(
        JSON.stringify({
          StreamName: streamName,
          PartitionKey: randomBytes(8).toString('hex'),
          Data: randomBytes(size).toString('base64'),
        }),
      ),
    )
    for (let repetition = 0; repetition < REPETITIONS; repetition++) {
      alone.push(await run(gateway, clients, small, []))
      mixed.push(await run(gateway, clients, small, large))
    }
    await first.json('DeleteStream', { StreamName: streamName })
  } finally {
    for (const client of clients) client.close()
    await gateway.stop()
  }

  const row = (name: string, runs: MixRun[]): string[] => {
    const smallLatencies = runs.flatMap((run) => run.smallLatenciesMs)
    const largeLatencies = runs.flatMap((run) => run.largeLatenciesMs)
    return [
      name,
      format(median(runs.map((run) => run.smallLatenciesMs.length))),
      format(percentile(smallLatencies, 50), 1),
      format(percentile(smallLatencies, 99), 1),
      format(median(runs.map((run) => run.largeLatenciesMs.length))),
      largeLatencies.length === 0 ? '-' : format(percentile(largeLatencies, 50), 1),
      format(Math.max(...runs.map((run) => run.peakBytes)) / MIB),
    ]
  }
  printTable(
    `Large records: PutRecords of ${BATCH} x ${RECORD_BYTES} B, ${SHARDS} shards, ${CLIENTS} clients, every ${LARGE_EVERY}th call a PutRecord of 5-10 MiB, ${REPETITIONS} repetitions`,
    ['', 'small calls', 'small p50 ms', 'small p99 ms', 'large calls', 'large p50 ms', 'peak RSS MiB'],
    [row('small records only', alone), row('with 2% large-record calls', mixed)],
  )
  const peak = Math.max(...[...alone, ...mixed].map((run) => run.peakBytes))
  const p99Alone = percentile(
    alone.flatMap((run) => run.smallLatenciesMs),
    99,
  )
  const p99Mixed = percentile(
    mixed.flatMap((run) => run.smallLatenciesMs),
    99,
  )
  process.stdout.write(
    `Peak gateway memory: ${format(peak / MIB)} MiB (started at ${format(startRss / MIB)} MiB; target <= ${TARGET_PEAK_BYTES / MIB} MiB): ` +
      `${peak <= TARGET_PEAK_BYTES ? 'met' : 'MISSED'}    small-call p99 with / without large records: ${format(p99Mixed / p99Alone, 2)}x\n`,
  )
}

/** One load; with `large` bodies, every 50th call sends one of them instead of a small PutRecords. */
async function run(
  gateway: GatewayProcess,
  clients: KinesisHttp2[],
  small: Buffer[],
  large: Buffer[],
): Promise<MixRun> {
  const smallLatenciesMs: number[] = []
  const largeLatenciesMs: number[] = []
  gateway.resetPeakResident()
  await load(REQUESTS, async (index) => {
    const client = clients[index % CLIENTS] as KinesisHttp2
    const isLarge = large.length > 0 && index % LARGE_EVERY === LARGE_EVERY / 2
    const begin = performance.now()
    const response = isLarge
      ? await client.call('PutRecord', large[Math.floor(index / LARGE_EVERY) % large.length] as Buffer)
      : await client.call('PutRecords', small[index % small.length] as Buffer)
    const elapsed = performance.now() - begin
    if (response.status !== 200 || (!isLarge && !response.body.includes('"FailedRecordCount":0'))) {
      throw new Error(
        `${isLarge ? 'PutRecord' : 'PutRecords'} failed: ${response.status} ${response.body.subarray(0, 200).toString()}`,
      )
    }
    if (isLarge) largeLatenciesMs.push(elapsed)
    else smallLatenciesMs.push(elapsed)
  })
  return { smallLatenciesMs, largeLatenciesMs, peakBytes: gateway.peakResidentBytes() }
}
