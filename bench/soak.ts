import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  SubscribeToShardCommand,
  type StartingPosition,
  type SubscribeToShardCommandOutput,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis'
import { NodeHttpHandler } from '@smithy/node-http-handler'

import { endpoints } from './common.ts'
import { failureKey, startGatewayProcess, type GatewayProcess } from './gateway-process.ts'
import { format, printTable } from './table.ts'

/**
 * Soak: mixed load on two gateway replicas (separate processes) while one of them, in turn, is killed with
 * SIGKILL and started again on its address every SOAK_KILL_INTERVAL_SECONDS (180). Load: two PutRecords
 * producers (one per replica), a PutRecord producer, a GetRecords reader per shard, a SubscribeToShard consumer
 * and control-plane calls. Clients do not retry, so "acknowledged" is exact: at the end every acknowledged
 * record must have been read back once (lost and duplicated are counted). Reports each replica's resident
 * memory over time. SOAK_DURATION_MINUTES (30), SOAK_SAMPLE_SECONDS (60).
 */
const DURATION_MS = Number(process.env.SOAK_DURATION_MINUTES ?? 30) * 60_000
const KILL_INTERVAL_MS = Number(process.env.SOAK_KILL_INTERVAL_SECONDS ?? 180) * 1000
const SAMPLE_MS = Number(process.env.SOAK_SAMPLE_SECONDS ?? 60) * 1000
const SHARDS = 4
const BATCH = 100
const ACCOUNT = '123456789012'
const ENVIRONMENT = { LOG_LEVEL: 'error', STREAM_CREATING_DELAY_MS: '0' }

interface Replica {
  name: string
  gateway: GatewayProcess
  port: number
  client: KinesisClient
}

const errors: Record<string, number> = {}
const acknowledged = new Set<string>()
const readBack = new Map<string, number>()
const fannedOut = new Map<string, number>()
const counters = { putRecordsCalls: 0, putRecordCalls: 0, getRecordsCalls: 0, controlCalls: 0, events: 0 }
const state = { running: true, loadRunning: true }

function clientFor(port: number): KinesisClient {
  return new KinesisClient({
    endpoint: `http://127.0.0.1:${String(port)}`,
    region: 'us-east-1',
    credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'soak' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 20_000 }),
  })
}

function countError(operation: string, error: unknown): void {
  const key = failureKey(error)
  errors[`${operation}: ${key}`] = (errors[`${operation}: ${key}`] ?? 0) + 1
}

const isLoadRunning = (): boolean => state.loadRunning

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** The replica to use now: `preferred` unless it is down, the other one then. */
function pick(replicas: readonly Replica[], preferred: number, down: ReadonlySet<string>): Replica {
  const first = replicas[preferred % replicas.length] as Replica
  return down.has(first.name) ? (replicas[(preferred + 1) % replicas.length] as Replica) : first
}

async function main(): Promise<void> {
  const stack = await endpoints()
  const started = await Promise.all(
    ['A', 'B'].map(async (name) => {
      const gateway = await startGatewayProcess(stack, ENVIRONMENT, { output: 'ignore' })
      const port = Number(new URL(gateway.endpoint).port)
      return { name, gateway, port, client: clientFor(port) }
    }),
  )
  const replicas: Replica[] = started
  const down = new Set<string>()
  const streamName = `soak-${Date.now().toString(36)}`
  const setup = replicas[0] as Replica
  await setup.client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: SHARDS }))
  let streamArn = ''
  for (;;) {
    const summary = await setup.client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))
    streamArn = summary.StreamDescriptionSummary?.StreamARN ?? ''
    if (summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') break
    await pause(100)
  }
  const consumer = await setup.client.send(
    new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'soak' }),
  )
  const consumerArn = consumer.Consumer?.ConsumerARN ?? ''

  let sequence = 0
  const nextValue = (producer: string): string => {
    sequence++
    return `${producer}${String(sequence % 16)}-${String(sequence)}`
  }
  const putRecordsLoop = async (preferred: number): Promise<void> => {
    while (state.loadRunning) {
      const values = Array.from({ length: BATCH }, () => nextValue(`r${String(preferred)}`))
      try {
        const result = await pick(replicas, preferred, down).client.send(
          new PutRecordsCommand({
            StreamName: streamName,
            Records: values.map((value) => ({ PartitionKey: value.split('-')[0], Data: Buffer.from(value) })),
          }),
        )
        counters.putRecordsCalls++
        result.Records?.forEach((entry, index) => {
          if (entry.ErrorCode === undefined) acknowledged.add(values[index] ?? '')
          else
            countError('PutRecords', { name: `entry ${entry.ErrorCode}`, $metadata: { httpStatusCode: 200 } })
        })
      } catch (error) {
        countError('PutRecords', error)
        await pause(200)
      }
    }
  }
  const putRecordLoop = async (): Promise<void> => {
    for (let call = 0; state.loadRunning; call++) {
      const value = nextValue('s')
      try {
        await pick(replicas, call, down).client.send(
          new PutRecordCommand({
            StreamName: streamName,
            PartitionKey: value.split('-')[0],
            Data: Buffer.from(value),
          }),
        )
        counters.putRecordCalls++
        acknowledged.add(value)
      } catch (error) {
        countError('PutRecord', error)
        await pause(200)
      }
      await pause(20)
    }
  }
  const readerLoop = async (shard: number): Promise<void> => {
    const shardId = `shardId-${String(shard).padStart(12, '0')}`
    let iterator: string | undefined
    let idleAfterLoad = 0
    for (let call = 0; state.running && idleAfterLoad < 3; call++) {
      try {
        const client = pick(replicas, call, down).client
        iterator ??= (
          await client.send(
            new GetShardIteratorCommand({
              StreamName: streamName,
              ShardId: shardId,
              ShardIteratorType: 'TRIM_HORIZON',
            }),
          )
        ).ShardIterator
        const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }))
        counters.getRecordsCalls++
        for (const record of page.Records ?? []) {
          const value = Buffer.from(record.Data ?? []).toString()
          readBack.set(value, (readBack.get(value) ?? 0) + 1)
        }
        iterator = page.NextShardIterator
        const caughtUp = (page.Records ?? []).length === 0 && page.MillisBehindLatest === 0
        if (!state.loadRunning && caughtUp) idleAfterLoad++
        if (caughtUp) await pause(200)
      } catch (error) {
        countError('GetRecords', error)
        await pause(200)
      }
    }
  }
  const subscriberLoop = async (): Promise<void> => {
    let position: StartingPosition = { Type: 'TRIM_HORIZON' }
    for (let attempt = 0; state.loadRunning; attempt++) {
      const abort = new AbortController()
      const stop = setInterval(() => {
        if (!state.loadRunning) abort.abort()
      }, 500)
      try {
        const output: SubscribeToShardCommandOutput = await pick(replicas, attempt, down).client.send(
          new SubscribeToShardCommand({
            ConsumerARN: consumerArn,
            ShardId: 'shardId-000000000000',
            StartingPosition: position,
          }),
          { abortSignal: abort.signal },
        )
        const events: Iterable<SubscribeToShardEventStream> | AsyncIterable<SubscribeToShardEventStream> =
          output.EventStream ?? []
        for await (const event of events) {
          const payload = event.SubscribeToShardEvent
          if (payload === undefined) continue
          counters.events++
          for (const record of payload.Records ?? []) {
            const value = Buffer.from(record.Data ?? []).toString()
            fannedOut.set(value, (fannedOut.get(value) ?? 0) + 1)
          }
          if (payload.ContinuationSequenceNumber !== undefined) {
            position = { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: payload.ContinuationSequenceNumber }
          }
        }
      } catch (error) {
        if (!abort.signal.aborted) {
          countError('SubscribeToShard', error)
          await pause(1000)
        }
      } finally {
        clearInterval(stop)
      }
    }
  }
  const controlLoop = async (): Promise<void> => {
    for (let call = 0; state.loadRunning; call++) {
      const client = pick(replicas, call, down).client
      const calls = [
        () => client.send(new DescribeStreamSummaryCommand({ StreamName: streamName })),
        () => client.send(new ListShardsCommand({ StreamName: streamName })),
        () => client.send(new ListStreamsCommand({})),
        () =>
          client.send(
            new AddTagsToStreamCommand({ StreamName: streamName, Tags: { round: String(call % 10) } }),
          ),
      ]
      try {
        await (calls[call % calls.length] as () => Promise<unknown>)()
        counters.controlCalls++
      } catch (error) {
        countError('control plane', error)
      }
      await pause(2000)
    }
  }

  const memory: string[][] = []
  const startedAt = Date.now()
  const minutes = (): string => format((Date.now() - startedAt) / 60_000, 1)
  const sample = (event: string): void => {
    memory.push([
      minutes(),
      ...replicas.map((replica) =>
        down.has(replica.name) ? 'down' : format(replica.gateway.residentBytes() / 2 ** 20),
      ),
      format(acknowledged.size),
      event,
    ])
  }
  const killer = async (): Promise<void> => {
    for (let round = 0; ; round++) {
      const due = startedAt + (round + 1) * KILL_INTERVAL_MS
      while (Date.now() < due && state.loadRunning) await pause(250)
      if (!state.loadRunning) return
      const victim = replicas[round % replicas.length] as Replica
      sample(`kill -9 ${victim.name}`)
      down.add(victim.name)
      await victim.gateway.kill()
      victim.gateway = await startGatewayProcess(stack, ENVIRONMENT, { port: victim.port, output: 'ignore' })
      down.delete(victim.name)
      sample(`${victim.name} restarted`)
    }
  }
  const sampler = async (): Promise<void> => {
    sample('start')
    for (let round = 1; isLoadRunning(); round++) {
      const due = startedAt + round * SAMPLE_MS
      while (Date.now() < due && state.loadRunning) await pause(250)
      sample('')
    }
  }

  process.stderr.write(
    `soak: ${format(DURATION_MS / 60_000, 1)} min on ${streamName}, a replica killed every ${String(KILL_INTERVAL_MS / 1000)} s\n`,
  )
  const readers = Array.from({ length: SHARDS }, (_, shard) => readerLoop(shard))
  const load = [putRecordsLoop(0), putRecordsLoop(1), putRecordLoop(), subscriberLoop(), controlLoop()]
  const background = [killer(), sampler()]
  await pause(DURATION_MS)
  state.loadRunning = false
  await Promise.all([...load, ...background])
  // Readers catch up on what was written before they stop (three empty reads in a row), at most 2 minutes.
  const deadline = setTimeout(() => {
    state.running = false
  }, 120_000)
  await Promise.all(readers)
  clearTimeout(deadline)
  sample('end')

  const lost = [...acknowledged].filter((value) => !readBack.has(value))
  const duplicated = [...readBack.values()].filter((count) => count > 1).length
  const storedUnacknowledged = [...readBack.keys()].filter((value) => !acknowledged.has(value)).length
  const fanOutDuplicated = [...fannedOut.values()].filter((count) => count > 1).length
  printTable(
    `Soak: ${format((Date.now() - startedAt) / 60_000, 1)} min, a replica killed (SIGKILL) every ${String(KILL_INTERVAL_MS / 1000)} s`,
    ['measure', 'value'],
    [
      ['records acknowledged', format(acknowledged.size)],
      ['records read back (GetRecords, distinct)', format(readBack.size)],
      ['acknowledged but not read back (lost)', format(lost.length)],
      ['read back more than once (duplicated)', format(duplicated)],
      ['stored without acknowledgement', format(storedUnacknowledged)],
      ['SubscribeToShard records (shard 0, distinct)', format(fannedOut.size)],
      ['SubscribeToShard records delivered twice', format(fanOutDuplicated)],
      [
        'PutRecords / PutRecord / GetRecords calls',
        `${format(counters.putRecordsCalls)} / ${format(counters.putRecordCalls)} / ${format(counters.getRecordsCalls)}`,
      ],
      [
        'control-plane calls / fan-out events',
        `${format(counters.controlCalls)} / ${format(counters.events)}`,
      ],
    ],
  )
  printTable(
    'Errors clients saw',
    ['error', 'count'],
    Object.entries(errors).map(([error, count]) => [error, format(count)]),
  )
  printTable('Resident memory (MiB) over time', ['minute', 'A', 'B', 'acknowledged', 'event'], memory)
  if (lost.length > 0) process.stdout.write(`\nlost, first ones: ${lost.slice(0, 10).join(', ')}\n`)
  await Promise.all(replicas.map((replica) => replica.gateway.stop()))
  process.exit(lost.length > 0 || duplicated > 0 ? 1 : 0)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
