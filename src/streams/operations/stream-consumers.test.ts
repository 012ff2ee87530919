import { describe, expect, it } from 'vitest'

import { MemoryConsumerRegistry } from '../../../test/support/memory/memory-consumer-registry.ts'
import {
  ACCOUNT_ID,
  arnOf,
  createActiveStream,
  fakeContext,
  fakeStreamsDeps,
  passPhase,
  type FakeStreamsDeps,
} from '../../../test/support/streams/fake-streams-deps.ts'
import { deleteStreamOperation } from './delete-stream.ts'
import { deregisterStreamConsumerOperation } from './deregister-stream-consumer.ts'
import { describeStreamConsumerOperation } from './describe-stream-consumer.ts'
import { describeStreamSummaryOperation } from './describe-stream-summary.ts'
import { listStreamConsumersOperation } from './list-stream-consumers.ts'
import { listTagsForResourceOperation } from './list-tags-for-resource.ts'
import { registerStreamConsumerOperation } from './register-stream-consumer.ts'
import { tagResourceOperation } from './tag-resource.ts'
import { untagResourceOperation } from './untag-resource.ts'

const context = fakeContext()

async function streamWithRegistry(): Promise<FakeStreamsDeps> {
  const deps = { ...fakeStreamsDeps(), consumers: new MemoryConsumerRegistry() }
  await createActiveStream(deps, 'orders', 1)
  return deps
}

function register(deps: FakeStreamsDeps, name: string, streamName = 'orders') {
  return registerStreamConsumerOperation(deps).handle(
    { StreamARN: arnOf(streamName), ConsumerName: name },
    context,
  )
}

function describeByName(deps: FakeStreamsDeps, name: string) {
  return describeStreamConsumerOperation(deps).handle(
    { StreamARN: arnOf('orders'), ConsumerName: name },
    context,
  )
}

describe('RegisterStreamConsumer', () => {
  it('registers a CREATING consumer with an ARN made of the stream ARN, name and creation second', async () => {
    const deps = await streamWithRegistry()
    const now = deps.clock.now()
    const { Consumer } = await register(deps, 'app')
    expect(Consumer).toEqual({
      ConsumerName: 'app',
      ConsumerARN: `${arnOf('orders')}/consumer/app:${Math.floor(now / 1000)}`,
      ConsumerStatus: 'CREATING',
      ConsumerCreationTimestamp: new Date(now),
    })
    deps.clock.advance(deps.settings.creatingDelayMs)
    expect((await describeByName(deps, 'app')).ConsumerDescription).toEqual({
      ...Consumer,
      ConsumerStatus: 'ACTIVE',
      StreamARN: arnOf('orders'),
    })
  })

  it('refuses a name in use, and a 21st consumer', async () => {
    const deps = await streamWithRegistry()
    await register(deps, 'app')
    await expect(register(deps, 'app')).rejects.toMatchObject({
      type: 'ResourceInUseException',
      message: `Consumer app under stream orders already exists for account ${ACCOUNT_ID}.`,
    })
    for (let index = 1; index < 20; index++) await register(deps, `app-${index}`)
    await expect(register(deps, 'one-too-many')).rejects.toMatchObject({ type: 'LimitExceededException' })
  })

  it('validates the name and needs an existing stream', async () => {
    const deps = await streamWithRegistry()
    await expect(register(deps, 'no spaces')).rejects.toMatchObject({ type: 'ValidationException' })
    await expect(register(deps, 'app', 'missing')).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
      message: `Stream missing under account ${ACCOUNT_ID} not found.`,
    })
  })

  it('stores tags, which the consumer ARN then lists and changes', async () => {
    const deps = await streamWithRegistry()
    const { Consumer } = await registerStreamConsumerOperation(deps).handle(
      { StreamARN: arnOf('orders'), ConsumerName: 'app', Tags: { team: 'a' } },
      context,
    )
    const ResourceARN = Consumer?.ConsumerARN ?? ''
    await tagResourceOperation(deps).handle({ ResourceARN, Tags: { env: 'prod' } }, context)
    await untagResourceOperation(deps).handle({ ResourceARN, TagKeys: ['team'] }, context)
    expect(await listTagsForResourceOperation(deps).handle({ ResourceARN }, context)).toEqual({
      Tags: [{ Key: 'env', Value: 'prod' }],
    })
  })
})

describe('DeregisterStreamConsumer', () => {
  it('makes an ACTIVE consumer DELETING, then gone; the name can be registered again', async () => {
    const deps = await streamWithRegistry()
    const { Consumer } = await register(deps, 'app')
    passPhase(deps)
    await deregisterStreamConsumerOperation(deps).handle({ ConsumerARN: Consumer?.ConsumerARN }, context)
    expect((await describeByName(deps, 'app')).ConsumerDescription?.ConsumerStatus).toBe('DELETING')
    await expect(
      deregisterStreamConsumerOperation(deps).handle(
        { StreamARN: arnOf('orders'), ConsumerName: 'app' },
        context,
      ),
    ).rejects.toMatchObject({ type: 'ResourceInUseException' })
    deps.clock.advance(deps.settings.deletingDelayMs)
    await expect(describeByName(deps, 'app')).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
      message: `Consumer app under stream orders not found for account ${ACCOUNT_ID}.`,
    })
    await expect(
      describeStreamConsumerOperation(deps).handle({ ConsumerARN: Consumer?.ConsumerARN }, context),
    ).rejects.toMatchObject({ type: 'ResourceNotFoundException' })
    deps.clock.advance(1000)
    const again = await register(deps, 'app')
    expect(again.Consumer?.ConsumerARN).not.toBe(Consumer?.ConsumerARN)
  })

  it('refuses a CREATING consumer and needs ConsumerARN or StreamARN and ConsumerName', async () => {
    const deps = await streamWithRegistry()
    await register(deps, 'app')
    await expect(
      deregisterStreamConsumerOperation(deps).handle(
        { StreamARN: arnOf('orders'), ConsumerName: 'app' },
        context,
      ),
    ).rejects.toMatchObject({
      type: 'ResourceInUseException',
      message: expect.stringContaining('is not in ACTIVE status.') as unknown,
    })
    await expect(
      deregisterStreamConsumerOperation(deps).handle({ ConsumerName: 'app' }, context),
    ).rejects.toMatchObject({ type: 'InvalidArgumentException' })
  })
})

describe('ListStreamConsumers', () => {
  it('pages through the consumers in creation order', async () => {
    const deps = await streamWithRegistry()
    for (const name of ['c', 'a', 'b']) {
      await register(deps, name)
      deps.clock.advance(10)
    }
    const list = listStreamConsumersOperation(deps)
    const first = await list.handle({ StreamARN: arnOf('orders'), MaxResults: 2 }, context)
    expect(first.Consumers?.map((consumer) => consumer.ConsumerName)).toEqual(['c', 'a'])
    const second = await list.handle({ StreamARN: arnOf('orders'), NextToken: first.NextToken }, context)
    expect(second.Consumers?.map((consumer) => consumer.ConsumerName)).toEqual(['b'])
    expect(second.NextToken).toBeUndefined()
    await expect(list.handle({ StreamARN: arnOf('orders'), MaxResults: 0 }, context)).rejects.toMatchObject({
      type: 'ValidationException',
    })
    await expect(
      list.handle({ StreamARN: arnOf('orders'), NextToken: 'garbage' }, context),
    ).rejects.toMatchObject({
      type: 'InvalidArgumentException',
    })
    await expect(
      list.handle({ StreamARN: arnOf('orders'), StreamCreationTimestamp: new Date(0) }, context),
    ).rejects.toMatchObject({ type: 'ResourceNotFoundException' })
  })
})

describe('DeleteStream with consumers', () => {
  it('needs EnforceConsumerDeletion, then removes the consumers; a new stream of the name has none', async () => {
    const deps = await streamWithRegistry()
    await register(deps, 'app')
    const summary = () => describeStreamSummaryOperation(deps).handle({ StreamName: 'orders' }, context)
    expect((await summary()).StreamDescriptionSummary?.ConsumerCount).toBe(1)
    await expect(deleteStreamOperation(deps).handle({ StreamName: 'orders' }, context)).rejects.toMatchObject(
      {
        type: 'ResourceInUseException',
        message: expect.stringContaining('set the EnforceConsumerDeletion parameter to true') as unknown,
      },
    )
    await deleteStreamOperation(deps).handle({ StreamName: 'orders', EnforceConsumerDeletion: true }, context)
    expect(
      await deps.consumers?.count({ accountId: ACCOUNT_ID, region: 'us-east-1', streamName: 'orders' }),
    ).toBe(0)
    passPhase(deps)
    await createActiveStream(deps, 'orders', 1)
    expect((await summary()).StreamDescriptionSummary?.ConsumerCount).toBe(0)
  })

  it('ignores consumers left from an earlier stream of the same name', async () => {
    const deps = await streamWithRegistry()
    await register(deps, 'app')
    const registry = deps.consumers as MemoryConsumerRegistry
    const [stale] = await registry.list({ accountId: ACCOUNT_ID, region: 'us-east-1', streamName: 'orders' })
    if (stale === undefined) throw new Error('no consumer')
    await registry.update({
      ...stale,
      streamIncarnation: stale.streamIncarnation - 1,
      version: stale.version + 1,
    })
    await expect(describeByName(deps, 'app')).rejects.toMatchObject({ type: 'ResourceNotFoundException' })
    await expect(register(deps, 'app')).resolves.toMatchObject({ Consumer: { ConsumerStatus: 'CREATING' } })
  })
})
