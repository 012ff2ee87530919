import { describe, expect, it } from 'vitest'

import { createActiveDeliveryStream, fakeFirehose } from '../../../test/support/firehose/fake-firehose.ts'

describe('TagDeliveryStream, UntagDeliveryStream and ListTagsForDeliveryStream', () => {
  it('sets, replaces, pages and removes tags', async () => {
    const firehose = fakeFirehose()
    await createActiveDeliveryStream(firehose, 'clicks', { Tags: [{ Key: 'b', Value: '1' }] })
    await firehose.call('TagDeliveryStream', {
      DeliveryStreamName: 'clicks',
      Tags: [{ Key: 'a', Value: '2' }, { Key: 'b', Value: '3' }, { Key: 'c' }],
    })
    expect(
      await firehose.call('ListTagsForDeliveryStream', { DeliveryStreamName: 'clicks', Limit: 2 }),
    ).toEqual({
      Tags: [
        { Key: 'a', Value: '2' },
        { Key: 'b', Value: '3' },
      ],
      HasMoreTags: true,
    })
    expect(
      await firehose.call('ListTagsForDeliveryStream', {
        DeliveryStreamName: 'clicks',
        ExclusiveStartTagKey: 'b',
      }),
    ).toEqual({ Tags: [{ Key: 'c' }], HasMoreTags: false })
    await firehose.call('UntagDeliveryStream', { DeliveryStreamName: 'clicks', TagKeys: ['a', 'absent'] })
    expect(await firehose.call('ListTagsForDeliveryStream', { DeliveryStreamName: 'clicks' })).toEqual({
      Tags: [{ Key: 'b', Value: '3' }, { Key: 'c' }],
      HasMoreTags: false,
    })
  })

  it('refuses more than 50 tags and keys starting with aws:, changing nothing', async () => {
    const firehose = fakeFirehose()
    await createActiveDeliveryStream(firehose, 'clicks', {
      Tags: Array.from({ length: 50 }, (_, index) => ({ Key: `k${String(index)}`, Value: 'v' })),
    })
    await expect(
      firehose.call('TagDeliveryStream', {
        DeliveryStreamName: 'clicks',
        Tags: [{ Key: 'one-more', Value: 'v' }],
      }),
    ).rejects.toMatchObject({ type: 'LimitExceededException' })
    await expect(
      firehose.call('TagDeliveryStream', {
        DeliveryStreamName: 'clicks',
        Tags: [{ Key: 'aws:reserved', Value: 'v' }],
      }),
    ).rejects.toMatchObject({
      type: 'ValidationException',
      message: expect.stringContaining("at 'tags.1.member.key'") as unknown,
    })
    const { Tags } = await firehose.call<{ Tags: unknown[] }>('ListTagsForDeliveryStream', {
      DeliveryStreamName: 'clicks',
    })
    expect(Tags).toHaveLength(50)
  })
})

describe('StartDeliveryStreamEncryption and StopDeliveryStreamEncryption', () => {
  async function encryption(firehose: ReturnType<typeof fakeFirehose>): Promise<unknown> {
    const answer = await firehose.call<{ DeliveryStreamDescription: Record<string, unknown> }>(
      'DescribeDeliveryStream',
      { DeliveryStreamName: 'clicks' },
    )
    return answer.DeliveryStreamDescription.DeliveryStreamEncryptionConfiguration
  }

  it('goes ENABLING then ENABLED, DISABLING then DISABLED, as AWS shows it', async () => {
    const firehose = fakeFirehose()
    await createActiveDeliveryStream(firehose, 'clicks')
    const key = {
      KeyType: 'CUSTOMER_MANAGED_CMK',
      KeyARN: 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555',
    }
    await firehose.call('StartDeliveryStreamEncryption', {
      DeliveryStreamName: 'clicks',
      DeliveryStreamEncryptionConfigurationInput: key,
    })
    expect(await encryption(firehose)).toEqual({ ...key, Status: 'ENABLING' })
    firehose.deps.clock.advance(1_000)
    expect(await encryption(firehose)).toEqual({ ...key, Status: 'ENABLED' })
    await firehose.call('StopDeliveryStreamEncryption', { DeliveryStreamName: 'clicks' })
    expect(await encryption(firehose)).toEqual({ ...key, Status: 'DISABLING' })
    firehose.deps.clock.advance(1_000)
    expect(await encryption(firehose)).toEqual({ ...key, Status: 'DISABLED' })
  })

  it('needs a key ARN for a customer managed key', async () => {
    const firehose = fakeFirehose()
    await createActiveDeliveryStream(firehose, 'clicks')
    await expect(
      firehose.call('StartDeliveryStreamEncryption', {
        DeliveryStreamName: 'clicks',
        DeliveryStreamEncryptionConfigurationInput: { KeyType: 'CUSTOMER_MANAGED_CMK' },
      }),
    ).rejects.toMatchObject({ type: 'InvalidArgumentException' })
    expect(await encryption(firehose)).toEqual({ Status: 'DISABLED' })
  })
})
