import { describe, expect, it } from 'vitest'

import {
  ACCOUNT_ID,
  arnOf,
  createActiveStream,
  fakeContext,
  fakeStreamsDeps,
  storedStream,
  type FakeStreamsDeps,
} from '../../../test/support/streams/fake-streams-deps.ts'
import { decreaseStreamRetentionPeriodOperation } from './decrease-stream-retention-period.ts'
import { increaseStreamRetentionPeriodOperation } from './increase-stream-retention-period.ts'

const context = fakeContext()
const TOPIC = `kinesis.${ACCOUNT_ID}.us-east-1.orders`

async function activeStream(): Promise<FakeStreamsDeps> {
  const deps = fakeStreamsDeps()
  await createActiveStream(deps, 'orders', 1)
  return deps
}

const increase = (deps: FakeStreamsDeps, hours: number) =>
  increaseStreamRetentionPeriodOperation(deps).handle(
    { StreamName: 'orders', RetentionPeriodHours: hours },
    context,
  )
const decrease = (deps: FakeStreamsDeps, hours: number) =>
  decreaseStreamRetentionPeriodOperation(deps).handle(
    { StreamARN: arnOf('orders'), RetentionPeriodHours: hours },
    context,
  )

describe('IncreaseStreamRetentionPeriod', () => {
  it('raises the retention, goes UPDATING and sets the whole topic configuration', async () => {
    const deps = await activeStream()
    await expect(increase(deps, 168)).resolves.toBeUndefined()
    expect(await storedStream(deps, 'orders')).toMatchObject({
      retentionPeriodHours: 168,
      status: 'UPDATING',
      statusUntilMillis: deps.clock.now() + deps.settings.updatingDelayMs,
    })
    expect(deps.recordLog.topicConfig(TOPIC)).toMatchObject({
      'retention.ms': String(168 * 3_600_000),
      'message.timestamp.type': 'LogAppendTime',
      'cleanup.policy': 'delete',
    })
  })

  it('refuses a shorter period and periods outside 24 to 8760 hours', async () => {
    const deps = await activeStream()
    await increase(deps, 48)
    deps.clock.advance(deps.settings.updatingDelayMs)
    await expect(increase(deps, 24)).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message:
        'Requested retention period (24 hours) for stream orders can not be shorter than existing retention period ' +
        '(48 hours). Use DecreaseRetentionPeriod API.',
    })
    await expect(increase(deps, 8761)).rejects.toMatchObject({
      message:
        'Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long.',
    })
    await expect(increase(deps, 23)).rejects.toMatchObject({
      message:
        'Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.',
    })
  })

  it('changes nothing for the current period: the stream stays ACTIVE', async () => {
    const deps = await activeStream()
    const before = await storedStream(deps, 'orders')
    await expect(increase(deps, 24)).resolves.toBeUndefined()
    expect(await storedStream(deps, 'orders')).toEqual(before)
  })

  it('needs an ACTIVE stream', async () => {
    const deps = await activeStream()
    await increase(deps, 48)
    await expect(increase(deps, 72)).rejects.toMatchObject({
      type: 'ResourceInUseException',
      message: `Stream orders under account ${ACCOUNT_ID} not ACTIVE, instead in state UPDATING`,
    })
  })

  it('requires RetentionPeriodHours', async () => {
    const deps = await activeStream()
    await expect(
      increaseStreamRetentionPeriodOperation(deps).handle({ StreamName: 'orders' } as never, context),
    ).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'retentionPeriodHours' failed to satisfy constraint: Member must not be null",
    })
  })
})

describe('DecreaseStreamRetentionPeriod', () => {
  it('lowers the retention and the topic follows', async () => {
    const deps = await activeStream()
    await increase(deps, 72)
    deps.clock.advance(deps.settings.updatingDelayMs)
    await decrease(deps, 48)
    expect((await storedStream(deps, 'orders')).retentionPeriodHours).toBe(48)
    expect(deps.recordLog.topicConfig(TOPIC)['retention.ms']).toBe(String(48 * 3_600_000))
  })

  it('changes nothing for the current period: the stream stays ACTIVE', async () => {
    const deps = await activeStream()
    const before = await storedStream(deps, 'orders')
    await expect(decrease(deps, 24)).resolves.toBeUndefined()
    expect(await storedStream(deps, 'orders')).toEqual(before)
  })

  it('refuses a longer period', async () => {
    const deps = await activeStream()
    await expect(decrease(deps, 48)).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message:
        'Requested retention period (48 hours) for stream orders can not be longer than existing retention period ' +
        '(24 hours). Use IncreaseRetentionPeriod API.',
    })
  })

  it('answers ResourceNotFoundException for an unknown stream', async () => {
    const deps = fakeStreamsDeps()
    await expect(decrease(deps, 24)).rejects.toMatchObject({ type: 'ResourceNotFoundException' })
  })
})
