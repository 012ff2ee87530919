import { describe, expect, it } from 'vitest'

import { AwsError } from '../aws/index.ts'
import { ConsumerRegistryUnavailableError } from '../ports/consumer-registry.ts'
import { RecordLogUnavailableError } from '../ports/record-log.ts'
import { CatalogUnavailableError } from '../ports/stream-catalog.ts'
import { MemoryConsumerRegistry } from '../../test/support/memory/memory-consumer-registry.ts'
import { fakeContext, fakeStreamsDeps } from '../../test/support/streams/fake-streams-deps.ts'
import { createTestDataPlane, createTestStream } from '../../test/support/streams/test-streams.ts'
import { createStreamsService } from './service.ts'

/** `port` with every method failing as an adapter does when its server is unreachable. */
function unreachable<T extends object>(port: T, failure: () => Error): T {
  return new Proxy(port, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver)
      return typeof value === 'function' ? () => Promise.reject(failure()) : value
    },
  })
}

async function failureOf(promise: Promise<unknown>): Promise<AwsError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  if (!(error instanceof AwsError)) throw new Error(`expected an AwsError, got ${String(error)}`)
  return error
}

describe('the streams service in an outage', () => {
  it('answers 503 ServiceUnavailable with the reason when the catalog cannot be reached', async () => {
    const deps = fakeStreamsDeps()
    deps.catalog = unreachable(
      deps.catalog,
      () => new CatalogUnavailableError('The stream catalog is unavailable (Redis: Command timed out)'),
    )
    const service = createStreamsService(deps)
    for (const [name, input] of [
      ['ListStreams', {}],
      ['DescribeStreamSummary', { StreamName: 'orders' }],
      ['PutRecord', { StreamName: 'orders', PartitionKey: 'k', Data: new Uint8Array([1]) }],
    ] as const) {
      const error = await failureOf(
        service.operations.get(name)?.handle(input, fakeContext()) ?? Promise.resolve(),
      )
      expect({ name, type: error.type, status: error.status, message: error.message }).toEqual({
        name,
        type: 'ServiceUnavailable',
        status: 503,
        message: 'The stream catalog is unavailable (Redis: Command timed out)',
      })
    }
  })

  it('answers 503 when Kafka cannot create the topic of a new stream', async () => {
    const deps = fakeStreamsDeps()
    deps.recordLog = unreachable(
      deps.recordLog,
      () => new RecordLogUnavailableError('Kafka did not complete the request: Connection error'),
    )
    const create = createStreamsService(deps).operations.get('CreateStream')
    const error = await failureOf(
      create?.handle({ StreamName: 'orders', ShardCount: 1 }, fakeContext()) ?? Promise.resolve(),
    )
    expect([error.type, error.status, error.message]).toEqual([
      'ServiceUnavailable',
      503,
      'Kafka did not complete the request: Connection error',
    ])
  })

  it('answers 503 when the consumer registry cannot be reached', async () => {
    const plane = createTestDataPlane()
    const { deps } = plane
    const stream = await createTestStream(plane, { name: 'orders' })
    deps.consumers = unreachable(
      new MemoryConsumerRegistry(),
      () => new ConsumerRegistryUnavailableError('The consumer registry is unavailable (Redis: down)'),
    )
    const listConsumers = createStreamsService(deps).operations.get('ListStreamConsumers')
    const error = await failureOf(
      listConsumers?.handle({ StreamARN: stream.streamArn }, plane.context) ?? Promise.resolve(),
    )
    expect([error.type, error.status]).toEqual(['ServiceUnavailable', 503])
  })
})
