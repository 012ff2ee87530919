import { describe, expect, it } from 'vitest'

import {
  arnOf,
  createActiveStream,
  fakeContext,
  fakeStreamsDeps,
} from '../../../test/support/streams/fake-streams-deps.ts'
import { createStreamOperation } from './create-stream.ts'
import { deleteStreamOperation } from './delete-stream.ts'
import { listStreamsOperation } from './list-streams.ts'

const context = fakeContext()

describe('ListStreams', () => {
  it('lists the streams of the account and region in name order, with summaries', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'b', 1)
    await createStreamOperation(deps).handle(
      { StreamName: 'a', StreamModeDetails: { StreamMode: 'ON_DEMAND' } },
      context,
    )
    await createStreamOperation(deps).handle(
      { StreamName: 'c', ShardCount: 1 },
      fakeContext({ region: 'eu-west-1' }),
    )
    const listed = await listStreamsOperation(deps).handle({}, context)
    expect(listed).toEqual({
      StreamNames: ['a', 'b'],
      HasMoreStreams: false,
      StreamSummaries: [
        {
          StreamName: 'a',
          StreamARN: arnOf('a'),
          StreamStatus: 'CREATING',
          StreamModeDetails: { StreamMode: 'ON_DEMAND' },
          StreamCreationTimestamp: new Date(deps.clock.now()),
        },
        {
          StreamName: 'b',
          StreamARN: arnOf('b'),
          StreamStatus: 'ACTIVE',
          StreamModeDetails: { StreamMode: 'PROVISIONED' },
          StreamCreationTimestamp: new Date(deps.clock.now() - deps.settings.creatingDelayMs),
        },
      ],
    })
  })

  it('leaves out streams whose deletion has completed', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'a', 1)
    await createActiveStream(deps, 'b', 1)
    await deleteStreamOperation(deps).handle({ StreamName: 'a' }, context)
    expect((await listStreamsOperation(deps).handle({}, context)).StreamNames).toEqual(['a', 'b'])
    deps.clock.advance(deps.settings.deletingDelayMs)
    expect((await listStreamsOperation(deps).handle({}, context)).StreamNames).toEqual(['b'])
  })

  it('pages with Limit, ExclusiveStartStreamName and NextToken', async () => {
    const deps = fakeStreamsDeps()
    for (const name of ['e', 'a', 'd', 'b', 'c']) {
      await createStreamOperation(deps).handle({ StreamName: name, ShardCount: 1 }, context)
    }
    const first = await listStreamsOperation(deps).handle({ Limit: 2 }, context)
    expect(first).toMatchObject({ StreamNames: ['a', 'b'], HasMoreStreams: true })
    const second = await listStreamsOperation(deps).handle({ Limit: 2, NextToken: first.NextToken }, context)
    expect(second).toMatchObject({ StreamNames: ['c', 'd'], HasMoreStreams: true })
    const third = await listStreamsOperation(deps).handle({ NextToken: second.NextToken }, context)
    expect(third).toMatchObject({ StreamNames: ['e'], HasMoreStreams: false })
    expect(third.NextToken).toBeUndefined()
    const after = await listStreamsOperation(deps).handle(
      { ExclusiveStartStreamName: 'b', Limit: 10 },
      context,
    )
    expect(after.StreamNames).toEqual(['c', 'd', 'e'])
  })

  it('returns at most 100 streams per call', async () => {
    const deps = fakeStreamsDeps({ shardLimit: 200 })
    for (let index = 0; index < 101; index++) {
      await createStreamOperation(deps).handle(
        { StreamName: `s${String(index).padStart(3, '0')}`, ShardCount: 1 },
        context,
      )
    }
    const listed = await listStreamsOperation(deps).handle({ Limit: 10000 }, context)
    expect(listed.StreamNames).toHaveLength(100)
    expect(listed.HasMoreStreams).toBe(true)
  })

  it('refuses NextToken with ExclusiveStartStreamName, a foreign token and an invalid Limit', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'a', 1)
    await createActiveStream(deps, 'b', 1)
    const { NextToken: token } = await listStreamsOperation(deps).handle({ Limit: 1 }, context)
    await expect(
      listStreamsOperation(deps).handle({ NextToken: token, ExclusiveStartStreamName: 'a' }, context),
    ).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message: 'NextToken and ExclusiveStartStreamName cannot be provided together.',
    })
    await expect(
      listStreamsOperation(deps).handle({ NextToken: token }, fakeContext({ accountId: '999999999999' })),
    ).rejects.toMatchObject({ type: 'InvalidArgumentException' })
    await expect(listStreamsOperation(deps).handle({ Limit: 0 }, context)).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    })
  })
})
