import { describe, expect, it } from 'vitest'

import {
  arnOf,
  createActiveStream,
  fakeContext,
  fakeStreamsDeps,
  storedStream,
  type FakeStreamsDeps,
} from '../../../test/support/streams/fake-streams-deps.ts'
import { deleteResourcePolicyOperation } from './delete-resource-policy.ts'
import { getResourcePolicyOperation } from './get-resource-policy.ts'
import { putResourcePolicyOperation } from './put-resource-policy.ts'

const context = fakeContext()
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'kinesis:GetRecords', Resource: '*' },
  ],
})

async function activeStream(): Promise<FakeStreamsDeps> {
  const deps = fakeStreamsDeps()
  await createActiveStream(deps, 'orders', 1)
  return deps
}

describe('PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy', () => {
  it('store, return and delete the policy of a stream', async () => {
    const deps = await activeStream()
    const arn = arnOf('orders')
    const get = () => getResourcePolicyOperation(deps).handle({ ResourceARN: arn }, context)
    expect(await get()).toEqual({ Policy: '{}' })
    await putResourcePolicyOperation(deps).handle({ ResourceARN: arn, Policy: POLICY }, context)
    expect(await get()).toEqual({ Policy: POLICY })
    expect((await storedStream(deps, 'orders')).status).toBe('ACTIVE')
    await deleteResourcePolicyOperation(deps).handle({ ResourceARN: arn }, context)
    // Kinesis answers an empty policy document for a stream without one.
    expect(await get()).toEqual({ Policy: '{}' })
    await expect(
      deleteResourcePolicyOperation(deps).handle({ ResourceARN: arn }, context),
    ).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
      message: `No resource policy found for resource ARN ${arn}.`,
    })
  })

  it('check ResourceARN and StreamId against the current service model', async () => {
    const deps = await activeStream()
    const get = getResourcePolicyOperation(deps)
    const notAStream = 'arn:aws:kinesis:us-east-1:123456789012:table/orders'
    await expect(get.handle({ ResourceARN: notAStream }, context)).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        `1 validation error detected: Value '${notAStream}' at 'resourceARN' failed to satisfy constraint: ` +
        'Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+',
    })
    await expect(
      get.handle({ ResourceARN: arnOf('orders'), StreamId: 'not-a-stream-id' }, context),
    ).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        "1 validation error detected: Value 'not-a-stream-id' at 'streamId' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: [a-z0-9]{20}-[a-z0-9]{3}',
    })
    await expect(
      get.handle({ ResourceARN: arnOf('orders'), StreamId: 'abcdefghij0123456789-abc' }, context),
    ).resolves.toEqual({ Policy: '{}' })
  })

  it('refuse a policy that is not a JSON object', async () => {
    const deps = await activeStream()
    const put = (policy: string) =>
      putResourcePolicyOperation(deps).handle({ ResourceARN: arnOf('orders'), Policy: policy }, context)
    await expect(put('{"Version":')).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message: 'The resource policy is not valid JSON.',
    })
    await expect(put('[1]')).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message: 'The resource policy must be a JSON object.',
    })
  })

  it('answer ResourceNotFoundException for an unknown stream and validate the ARN', async () => {
    const deps = fakeStreamsDeps()
    await expect(
      getResourcePolicyOperation(deps).handle({ ResourceARN: arnOf('missing') }, context),
    ).rejects.toMatchObject({ type: 'ResourceNotFoundException' })
    await expect(
      putResourcePolicyOperation(deps).handle({ ResourceARN: 'stream/orders', Policy: POLICY }, context),
    ).rejects.toMatchObject({ type: 'ValidationException' })
  })
})
