import { beforeEach, describe, expect, it } from 'vitest'

import {
  analyticsCaller,
  CONTEXT,
  failure,
  tickerInput,
} from '../../../test/support/analytics/analytics-calls.ts'
import {
  fakeAnalyticsDeps,
  type FakeAnalyticsDeps,
} from '../../../test/support/analytics/fake-analytics-deps.ts'
import { createTestStream } from '../../../test/support/streams/test-streams.ts'
import { reportRunning, reportStopped } from '../applications/run-state.ts'

let deps: FakeAnalyticsDeps
let call: ReturnType<typeof analyticsCaller>
const key = { accountId: CONTEXT.accountId, region: CONTEXT.region, applicationName: 'app' }
const START = {
  ApplicationName: 'app',
  InputConfigurations: [
    { Id: '1.1', InputStartingPositionConfiguration: { InputStartingPosition: 'TRIM_HORIZON' } },
  ],
}

beforeEach(async () => {
  deps = fakeAnalyticsDeps()
  call = analyticsCaller(deps)
  await createTestStream(deps.plane, { name: 'ticks', shardCount: 1 })
  await call('CreateApplication', { ApplicationName: 'app', Inputs: [tickerInput('ticks')] })
})

async function detail(): Promise<Record<string, unknown>> {
  return (await call('DescribeApplication', { ApplicationName: 'app' })).ApplicationDetail as Record<
    string,
    unknown
  >
}

describe('StartApplication and StopApplication', () => {
  it('Start records the request and the starting position; STARTING until the runtime reports it running', async () => {
    await call('StartApplication', START)
    expect(await detail()).toMatchObject({
      ApplicationStatus: 'STARTING',
      ApplicationVersionId: 1,
      InputDescriptions: [{ InputStartingPositionConfiguration: { InputStartingPosition: 'TRIM_HORIZON' } }],
    })
    expect((await deps.applications.get(key))?.run).toEqual({
      requestedAtMillis: deps.clock.now(),
      inputs: [{ inputId: '1.1', startingPosition: 'TRIM_HORIZON' }],
    })
    expect(await failure(call('StartApplication', START))).toMatchObject({ type: 'ResourceInUseException' })

    expect(await reportRunning(deps.applications, key, 5)).toBe('applied')
    expect(await detail()).toMatchObject({ ApplicationStatus: 'RUNNING' })
    expect((await deps.applications.get(key))?.run?.runningSinceMillis).toBe(5)

    await call('StopApplication', { ApplicationName: 'app' })
    expect(await detail()).toMatchObject({ ApplicationStatus: 'STOPPING' })
    expect(await reportRunning(deps.applications, key, 6)).toBe('ignored')
    expect(await reportStopped(deps.applications, key)).toBe('applied')
    expect(await detail()).toMatchObject({ ApplicationStatus: 'READY', ApplicationVersionId: 1 })
    expect((await deps.applications.get(key))?.run).toBeUndefined()
  })

  it('Stop before a runtime took the application returns it to READY at once', async () => {
    await call('StartApplication', START)
    await call('StopApplication', { ApplicationName: 'app' })
    expect(await detail()).toMatchObject({ ApplicationStatus: 'READY' })
    expect(await reportRunning(deps.applications, key, 1)).toBe('ignored')
    expect(await failure(call('StopApplication', { ApplicationName: 'app' }))).toMatchObject({
      type: 'ResourceInUseException',
    })
  })

  it('refuses to start without an input, with an unknown or missing input id, or a deleted stream', async () => {
    await call('CreateApplication', { ApplicationName: 'empty' })
    expect(
      await failure(call('StartApplication', { ApplicationName: 'empty', InputConfigurations: [] })),
    ).toMatchObject({ type: 'InvalidApplicationConfigurationException' })
    expect(
      await failure(
        call('StartApplication', {
          ApplicationName: 'app',
          InputConfigurations: [
            { Id: '2.1', InputStartingPositionConfiguration: { InputStartingPosition: 'NOW' } },
          ],
        }),
      ),
    ).toEqual({ type: 'InvalidArgumentException', message: 'Input 2.1 is not an input of application app.' })
    expect(
      await failure(call('StartApplication', { ApplicationName: 'app', InputConfigurations: [] })),
    ).toMatchObject({
      type: 'InvalidArgumentException',
    })
    const stream = await deps.plane.catalog.get({ ...key, streamName: 'ticks' })
    if (stream === undefined) throw new Error('no stream')
    await deps.plane.catalog.remove({ ...key, streamName: 'ticks' }, stream.version)
    expect(await failure(call('StartApplication', START))).toMatchObject({
      type: 'InvalidApplicationConfigurationException',
    })
    expect(await detail()).toMatchObject({ ApplicationStatus: 'READY' })
  })

  it('a change to a RUNNING application makes it UPDATING until the runtime runs the new version', async () => {
    await call('StartApplication', START)
    expect(
      await failure(
        call('UpdateApplication', {
          ApplicationName: 'app',
          CurrentApplicationVersionId: 1,
          ApplicationUpdate: { ApplicationCodeUpdate: 'SELECT 1' },
        }),
      ),
    ).toMatchObject({ type: 'ResourceInUseException' })
    await reportRunning(deps.applications, key, 1)
    await call('UpdateApplication', {
      ApplicationName: 'app',
      CurrentApplicationVersionId: 1,
      ApplicationUpdate: { ApplicationCodeUpdate: 'SELECT 1' },
    })
    expect(await detail()).toMatchObject({ ApplicationStatus: 'UPDATING', ApplicationVersionId: 2 })
    expect(await reportRunning(deps.applications, key, 2)).toBe('applied')
    expect(await detail()).toMatchObject({ ApplicationStatus: 'RUNNING', ApplicationVersionId: 2 })
  })

  it('the runtime report loses to a Stop that came first (compare-and-set)', async () => {
    await call('StartApplication', START)
    const stale = await deps.applications.get(key)
    await call('StopApplication', { ApplicationName: 'app' })
    if (stale === undefined) throw new Error('no application')
    expect(
      await deps.applications.update({ ...stale, status: 'RUNNING', revision: stale.revision + 1 }),
    ).toBe(false)
    expect(await detail()).toMatchObject({ ApplicationStatus: 'READY' })
  })
})

describe('DeleteApplication and the run state', () => {
  it('a running application turns DELETING and is removed once the runtime has stopped it', async () => {
    await call('StartApplication', START)
    await reportRunning(deps.applications, key, 1)
    const createdAt = (await detail()).CreateTimestamp
    await call('DeleteApplication', { ApplicationName: 'app', CreateTimestamp: createdAt })
    expect(await detail()).toMatchObject({ ApplicationStatus: 'DELETING' })
    expect(
      await failure(call('DeleteApplication', { ApplicationName: 'app', CreateTimestamp: createdAt })),
    ).toMatchObject({
      type: 'ResourceInUseException',
    })
    expect(await reportStopped(deps.applications, key)).toBe('applied')
    expect(await failure(call('DescribeApplication', { ApplicationName: 'app' }))).toMatchObject({
      type: 'ResourceNotFoundException',
    })
  })
})

describe('tags', () => {
  const arn = 'arn:aws:kinesisanalytics:us-east-1:123456789012:application/app'

  it('tags, lists and untags without changing the version', async () => {
    await call('TagResource', { ResourceARN: arn, Tags: [{ Key: 'team', Value: 'a' }, { Key: 'env' }] })
    await call('TagResource', { ResourceARN: arn, Tags: [{ Key: 'team', Value: 'b' }] })
    expect(await call('ListTagsForResource', { ResourceARN: arn })).toEqual({
      Tags: [{ Key: 'team', Value: 'b' }, { Key: 'env' }],
    })
    await call('UntagResource', { ResourceARN: arn, TagKeys: ['env'] })
    expect(await call('ListTagsForResource', { ResourceARN: arn })).toEqual({
      Tags: [{ Key: 'team', Value: 'b' }],
    })
    expect(await detail()).toMatchObject({ ApplicationVersionId: 1 })
  })

  it('creates with tags, refuses more than 50 and an unknown application', async () => {
    await call('CreateApplication', { ApplicationName: 'tagged', Tags: [{ Key: 'a', Value: '1' }] })
    expect(await call('ListTagsForResource', { ResourceARN: arn.replace('/app', '/tagged') })).toEqual({
      Tags: [{ Key: 'a', Value: '1' }],
    })
    const many = Array.from({ length: 51 }, (_, index) => ({ Key: `k${index}` }))
    expect(await failure(call('TagResource', { ResourceARN: arn, Tags: many }))).toMatchObject({
      type: 'TooManyTagsException',
    })
    expect(await failure(call('ListTagsForResource', { ResourceARN: arn.replace('/app', '/nope') }))).toEqual(
      {
        type: 'ResourceNotFoundException',
        message: 'Resource arn:aws:kinesisanalytics:us-east-1:123456789012:application/nope is not found.',
      },
    )
  })
})
