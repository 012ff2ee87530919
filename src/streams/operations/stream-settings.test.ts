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
import { createStreamOperation } from './create-stream.ts'
import { describeLimitsOperation } from './describe-limits.ts'
import { disableEnhancedMonitoringOperation } from './disable-enhanced-monitoring.ts'
import { enableEnhancedMonitoringOperation } from './enable-enhanced-monitoring.ts'
import { startStreamEncryptionOperation } from './start-stream-encryption.ts'
import { stopStreamEncryptionOperation } from './stop-stream-encryption.ts'
import { updateMaxRecordSizeOperation } from './update-max-record-size.ts'
import { updateStreamModeOperation } from './update-stream-mode.ts'

const context = fakeContext()
const TOPIC = `kinesis.${ACCOUNT_ID}.us-east-1.orders`

async function activeStream(): Promise<FakeStreamsDeps> {
  const deps = fakeStreamsDeps()
  await createActiveStream(deps, 'orders', 2)
  return deps
}

function passUpdating(deps: FakeStreamsDeps): void {
  deps.clock.advance(deps.settings.updatingDelayMs)
}

describe('UpdateStreamMode', () => {
  it('switches the mode and goes UPDATING; the current mode changes nothing', async () => {
    const deps = await activeStream()
    const update = updateStreamModeOperation(deps)
    await update.handle(
      { StreamARN: arnOf('orders'), StreamModeDetails: { StreamMode: 'ON_DEMAND' } },
      context,
    )
    expect(await storedStream(deps, 'orders')).toMatchObject({ mode: 'ON_DEMAND', status: 'UPDATING' })
    passUpdating(deps)
    const before = await storedStream(deps, 'orders')
    await update.handle(
      { StreamARN: arnOf('orders'), StreamModeDetails: { StreamMode: 'ON_DEMAND' } },
      context,
    )
    expect((await storedStream(deps, 'orders')).version).toBe(before.version)
  })

  it('refuses to exceed the ON_DEMAND stream limit', async () => {
    const deps = fakeStreamsDeps({ shardLimit: 1000, onDemandShardCount: 1 })
    await createActiveStream(deps, 'orders', 1)
    for (let index = 0; index < 50; index++) {
      await createStreamOperation(deps).handle(
        { StreamName: `s${index}`, StreamModeDetails: { StreamMode: 'ON_DEMAND' } },
        context,
      )
    }
    await expect(
      updateStreamModeOperation(deps).handle(
        { StreamARN: arnOf('orders'), StreamModeDetails: { StreamMode: 'ON_DEMAND' } },
        context,
      ),
    ).rejects.toMatchObject({ type: 'LimitExceededException' })
  })

  it('requires StreamARN and StreamModeDetails', async () => {
    const deps = await activeStream()
    await expect(updateStreamModeOperation(deps).handle({} as never, context)).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        '2 validation errors detected: ' +
        "Value null at 'streamARN' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'streamModeDetails' failed to satisfy constraint: Member must not be null",
    })
  })

  it('needs an ACTIVE stream', async () => {
    const deps = fakeStreamsDeps()
    await createStreamOperation(deps).handle({ StreamName: 'orders', ShardCount: 1 }, context)
    await expect(
      updateStreamModeOperation(deps).handle(
        { StreamARN: arnOf('orders'), StreamModeDetails: { StreamMode: 'ON_DEMAND' } },
        context,
      ),
    ).rejects.toMatchObject({ type: 'ResourceInUseException' })
  })
})

describe('EnableEnhancedMonitoring and DisableEnhancedMonitoring', () => {
  it('report the metrics before and after, with ALL expanded', async () => {
    const deps = await activeStream()
    const enabled = await enableEnhancedMonitoringOperation(deps).handle(
      { StreamName: 'orders', ShardLevelMetrics: ['OutgoingBytes', 'IncomingBytes'] },
      context,
    )
    expect(enabled).toEqual({
      StreamName: 'orders',
      StreamARN: arnOf('orders'),
      CurrentShardLevelMetrics: [],
      DesiredShardLevelMetrics: ['IncomingBytes', 'OutgoingBytes'],
    })
    expect((await storedStream(deps, 'orders')).status).toBe('UPDATING')
    passUpdating(deps)

    const all = await enableEnhancedMonitoringOperation(deps).handle(
      { StreamName: 'orders', ShardLevelMetrics: ['ALL'] },
      context,
    )
    expect(all.DesiredShardLevelMetrics).toHaveLength(7)
    passUpdating(deps)

    const disabled = await disableEnhancedMonitoringOperation(deps).handle(
      { StreamARN: arnOf('orders'), ShardLevelMetrics: ['IncomingBytes', 'IteratorAgeMilliseconds'] },
      context,
    )
    expect(disabled.CurrentShardLevelMetrics).toHaveLength(7)
    expect(disabled.DesiredShardLevelMetrics).toEqual([
      'IncomingRecords',
      'OutgoingBytes',
      'OutgoingRecords',
      'WriteProvisionedThroughputExceeded',
      'ReadProvisionedThroughputExceeded',
    ])
    passUpdating(deps)
    const none = await disableEnhancedMonitoringOperation(deps).handle(
      { StreamName: 'orders', ShardLevelMetrics: ['ALL'] },
      context,
    )
    expect(none.DesiredShardLevelMetrics).toEqual([])
  })

  it('leave the stream as it is when nothing changes', async () => {
    const deps = await activeStream()
    const before = await storedStream(deps, 'orders')
    await disableEnhancedMonitoringOperation(deps).handle(
      { StreamName: 'orders', ShardLevelMetrics: ['ALL'] },
      context,
    )
    expect(await storedStream(deps, 'orders')).toEqual(before)
  })

  it('validate the metric names', async () => {
    const deps = await activeStream()
    await expect(
      enableEnhancedMonitoringOperation(deps).handle(
        { StreamName: 'orders', ShardLevelMetrics: ['Bytes' as never] },
        context,
      ),
    ).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        "1 validation error detected: Value '[Bytes]' at 'shardLevelMetrics' failed to satisfy constraint: " +
        'Member must satisfy constraint: [Member must satisfy enum value set: [IncomingBytes, IncomingRecords, ' +
        'OutgoingBytes, OutgoingRecords, WriteProvisionedThroughputExceeded, ReadProvisionedThroughputExceeded, ' +
        'IteratorAgeMilliseconds, ALL]]',
    })
  })
})

describe('DescribeLimits', () => {
  it('reports the shard limit, the open shards and the ON_DEMAND streams of the account and region', async () => {
    const deps = fakeStreamsDeps({ shardLimit: 30, onDemandShardCount: 4 })
    await createActiveStream(deps, 'orders', 2)
    await createStreamOperation(deps).handle(
      { StreamName: 'clicks', StreamModeDetails: { StreamMode: 'ON_DEMAND' } },
      context,
    )
    await createStreamOperation(deps).handle(
      { StreamName: 'x', ShardCount: 5 },
      fakeContext({ region: 'eu-west-1' }),
    )
    expect(await describeLimitsOperation(deps).handle({}, context)).toEqual({
      ShardLimit: 30,
      OpenShardCount: 6,
      OnDemandStreamCount: 1,
      OnDemandStreamCountLimit: 50,
    })
  })
})

describe('UpdateMaxRecordSize', () => {
  it('stores the limit, goes UPDATING and keeps the topic able to hold it', async () => {
    const deps = await activeStream()
    await updateMaxRecordSizeOperation(deps).handle(
      { StreamARN: arnOf('orders'), MaxRecordSizeInKiB: 10240 },
      context,
    )
    expect(await storedStream(deps, 'orders')).toMatchObject({ maxRecordSizeKiB: 10240, status: 'UPDATING' })
    expect(Number(deps.recordLog.topicConfig(TOPIC)['max.message.bytes'])).toBeGreaterThan(10240 * 1024)
    expect(deps.recordLog.topicConfig(TOPIC)['message.timestamp.type']).toBe('LogAppendTime')
  })

  it('accepts 1024 to 10240 KiB', async () => {
    const deps = await activeStream()
    await expect(
      updateMaxRecordSizeOperation(deps).handle(
        { StreamARN: arnOf('orders'), MaxRecordSizeInKiB: 1023 },
        context,
      ),
    ).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        "1 validation error detected: Value '1023' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value greater than or equal to 1024",
    })
  })
})

describe('StartStreamEncryption and StopStreamEncryption', () => {
  it('store the KMS key, go UPDATING, and stop again', async () => {
    const deps = await activeStream()
    await startStreamEncryptionOperation(deps).handle(
      { StreamName: 'orders', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      context,
    )
    expect(await storedStream(deps, 'orders')).toMatchObject({
      encryption: { type: 'KMS', keyId: 'alias/aws/kinesis' },
      status: 'UPDATING',
    })
    passUpdating(deps)
    await stopStreamEncryptionOperation(deps).handle(
      { StreamName: 'orders', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      context,
    )
    expect(await storedStream(deps, 'orders')).toMatchObject({
      encryption: { type: 'NONE' },
      status: 'UPDATING',
    })
  })

  it('accept any key id form and change nothing for the key in use', async () => {
    const deps = await activeStream()
    const keyArn = 'arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012'
    const start = startStreamEncryptionOperation(deps)
    await start.handle({ StreamARN: arnOf('orders'), EncryptionType: 'KMS', KeyId: keyArn }, context)
    passUpdating(deps)
    const before = await storedStream(deps, 'orders')
    await start.handle({ StreamARN: arnOf('orders'), EncryptionType: 'KMS', KeyId: keyArn }, context)
    expect((await storedStream(deps, 'orders')).version).toBe(before.version)
  })

  it('refuse encryption type NONE and need an ACTIVE stream', async () => {
    const deps = await activeStream()
    const start = startStreamEncryptionOperation(deps)
    await expect(
      start.handle({ StreamName: 'orders', EncryptionType: 'NONE', KeyId: 'alias/aws/kinesis' }, context),
    ).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message: 'Encryption type NONE is not supported. The only valid value is KMS.',
    })
    await start.handle({ StreamName: 'orders', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' }, context)
    await expect(
      start.handle({ StreamName: 'orders', EncryptionType: 'KMS', KeyId: 'alias/other' }, context),
    ).rejects.toMatchObject({ type: 'ResourceInUseException' })
  })

  it('require EncryptionType and KeyId', async () => {
    const deps = await activeStream()
    await expect(
      stopStreamEncryptionOperation(deps).handle({ StreamName: 'orders' } as never, context),
    ).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        '2 validation errors detected: ' +
        "Value null at 'encryptionType' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'keyId' failed to satisfy constraint: Member must not be null",
    })
  })
})
