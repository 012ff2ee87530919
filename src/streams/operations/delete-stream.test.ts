import { describe, expect, it } from 'vitest'

import {
  ACCOUNT_ID,
  arnOf,
  createActiveStream,
  fakeContext,
  fakeStreamsDeps,
  settleBackgroundWork,
  storedStream,
  streamKey,
} from '../../../test/support/streams/fake-streams-deps.ts'
import { createStreamOperation } from './create-stream.ts'
import { deleteStreamOperation } from './delete-stream.ts'
import { describeStreamSummaryOperation } from './describe-stream-summary.ts'

const context = fakeContext()
const TOPIC = `kinesis.${ACCOUNT_ID}.us-east-1.orders`

describe('DeleteStream', () => {
  it('marks the stream DELETING, deletes its topic, and the stream is gone after deletingDelayMs', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders')
    await expect(
      deleteStreamOperation(deps).handle({ StreamName: 'orders' }, context),
    ).resolves.toBeUndefined()

    const summary = () => describeStreamSummaryOperation(deps).handle({ StreamName: 'orders' }, context)
    expect((await summary()).StreamDescriptionSummary?.StreamStatus).toBe('DELETING')
    expect(() => deps.recordLog.topicConfig(TOPIC)).toThrow()

    deps.clock.advance(deps.settings.deletingDelayMs)
    await expect(summary()).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
      message: `Stream orders under account ${ACCOUNT_ID} not found.`,
    })
  })

  it('accepts the stream ARN', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders')
    await deleteStreamOperation(deps).handle({ StreamARN: arnOf('orders') }, context)
    expect((await storedStream(deps, 'orders')).status).toBe('DELETING')
  })

  it('succeeds again on a DELETING stream and deletes the topic again', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders')
    await deleteStreamOperation(deps).handle({ StreamName: 'orders' }, context)
    const deleting = await storedStream(deps, 'orders')
    await deps.recordLog.createTopic(TOPIC, 1, {})
    await deleteStreamOperation(deps).handle({ StreamName: 'orders' }, context)
    expect(await storedStream(deps, 'orders')).toEqual(deleting)
    expect(() => deps.recordLog.topicConfig(TOPIC)).toThrow()
  })

  it('deletes an UPDATING stream', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders')
    const stream = await storedStream(deps, 'orders')
    await deps.catalog.update({
      ...stream,
      status: 'UPDATING',
      statusUntilMillis: deps.clock.now() + 1000,
      version: stream.version + 1,
    })
    await deleteStreamOperation(deps).handle({ StreamName: 'orders' }, context)
    expect((await storedStream(deps, 'orders')).status).toBe('DELETING')
  })

  it('deletes a stream that is still CREATING, as Kinesis does', async () => {
    const deps = fakeStreamsDeps()
    // The topic is slow to come: the creation is still pending when the stream is deleted.
    deps.recordLog.faults.plan('createTopic', 'hang-after')
    await createStreamOperation(deps).handle({ StreamName: 'orders', ShardCount: 1 }, context)
    await settleBackgroundWork()
    expect((await storedStream(deps, 'orders')).status).toBe('CREATING')
    await expect(
      deleteStreamOperation(deps).handle({ StreamName: 'orders' }, context),
    ).resolves.toBeUndefined()
    const deleted = await storedStream(deps, 'orders')
    expect(deleted).toMatchObject({ status: 'DELETING' })
    expect(deleted.creation).toBeUndefined()
    expect(await deps.recordLog.topicExists(TOPIC)).toBe(false)
  })

  it('deletes a topic that a creation still under way creates after the deletion', async () => {
    const deps = fakeStreamsDeps()
    // The first attempt fails; the retry comes after DeleteStream.
    deps.recordLog.faults.plan('createTopic', 'fail')
    await createStreamOperation(deps).handle({ StreamName: 'orders', ShardCount: 1 }, context)
    await settleBackgroundWork()
    await deleteStreamOperation(deps).handle({ StreamName: 'orders' }, context)
    deps.clock.advance(1000)
    await settleBackgroundWork()
    await settleBackgroundWork()
    expect(deps.recordLog.faults.calls.filter((call) => call === 'createTopic')).toHaveLength(2)
    expect(await deps.recordLog.topicExists(TOPIC)).toBe(false)
    expect((await storedStream(deps, 'orders')).status).toBe('DELETING')
  })

  it('answers ResourceNotFoundException for an unknown stream, and requires a name or ARN', async () => {
    const deps = fakeStreamsDeps()
    await expect(
      deleteStreamOperation(deps).handle({ StreamName: 'missing' }, context),
    ).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
      message: `Stream missing under account ${ACCOUNT_ID} not found.`,
    })
    await expect(deleteStreamOperation(deps).handle({}, context)).rejects.toMatchObject({
      type: 'InvalidArgumentException',
    })
    expect(await deps.catalog.get(streamKey('missing'))).toBeUndefined()
  })

  it('retries its compare-and-set when another writer changed the stream meanwhile', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders')
    const update = deps.catalog.update.bind(deps.catalog)
    let interfered = false
    deps.catalog.update = async (record) => {
      if (!interfered) {
        interfered = true
        const current = await storedStream(deps, 'orders')
        await update({ ...current, tags: { by: 'other' }, version: current.version + 1 })
      }
      return update(record)
    }
    await deleteStreamOperation(deps).handle({ StreamName: 'orders' }, context)
    expect(await storedStream(deps, 'orders')).toMatchObject({
      status: 'DELETING',
      tags: { by: 'other' },
      // 2: the creation completed; 3: the other writer; 4: the deletion.
      version: 4,
    })
  })
})
