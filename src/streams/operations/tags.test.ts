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
import { addTagsToStreamOperation } from './add-tags-to-stream.ts'
import { createStreamOperation } from './create-stream.ts'
import { listTagsForResourceOperation } from './list-tags-for-resource.ts'
import { listTagsForStreamOperation } from './list-tags-for-stream.ts'
import { removeTagsFromStreamOperation } from './remove-tags-from-stream.ts'
import { tagResourceOperation } from './tag-resource.ts'
import { untagResourceOperation } from './untag-resource.ts'

const context = fakeContext()

async function activeStream(): Promise<FakeStreamsDeps> {
  const deps = fakeStreamsDeps()
  await createActiveStream(deps, 'orders', 1)
  return deps
}

function manyTags(count: number, prefix = 'key'): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, index) => [`${prefix}${index}`, 'value']))
}

describe('AddTagsToStream', () => {
  it('adds tags and overwrites existing values, without changing the status', async () => {
    const deps = await activeStream()
    const add = addTagsToStreamOperation(deps)
    await expect(
      add.handle({ StreamName: 'orders', Tags: { a: '1', b: '2' } }, context),
    ).resolves.toBeUndefined()
    await add.handle({ StreamARN: arnOf('orders'), Tags: { b: 'two', 'c d/e=f+g-h@i:j_k.l': 'ü' } }, context)
    expect(await storedStream(deps, 'orders')).toMatchObject({
      status: 'ACTIVE',
      tags: { a: '1', b: 'two', 'c d/e=f+g-h@i:j_k.l': 'ü' },
    })
  })

  it('refuses more than 50 tags in all', async () => {
    const deps = await activeStream()
    const add = addTagsToStreamOperation(deps)
    await add.handle({ StreamName: 'orders', Tags: manyTags(30) }, context)
    await add.handle({ StreamName: 'orders', Tags: manyTags(20, 'other') }, context)
    await expect(add.handle({ StreamName: 'orders', Tags: { one: 'more' } }, context)).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message: `Failed to add tags to stream orders under account ${ACCOUNT_ID} because a given stream cannot have more than 50 tags associated with it.`,
    })
    await add.handle({ StreamName: 'orders', Tags: { key0: 'overwritten' } }, context)
  })

  it('refuses invalid characters with the two messages Kinesis gives', async () => {
    const deps = await activeStream()
    const add = addTagsToStreamOperation(deps)
    await expect(add.handle({ StreamName: 'orders', Tags: { 'a*': 'b' } }, context)).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message:
        'Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @ :.',
    })
    for (const tags of [{ 'a\tb': 'c' }, { a: 'line\nbreak' }, { a: 'carriage\rreturn' }]) {
      await expect(add.handle({ StreamName: 'orders', Tags: tags }, context)).rejects.toMatchObject({
        type: 'InvalidArgumentException',
        message:
          'Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @ :.',
      })
    }
    await add.handle({ StreamName: 'orders', Tags: { 'a b\u00a0c': 'd\u3000e' } }, context)
    await expect(add.handle({ StreamName: 'orders', Tags: { a: '50%' } }, context)).rejects.toMatchObject({
      type: 'InvalidArgumentException',
      message: expect.stringContaining(
        `Failed to add tags to stream orders under account ${ACCOUNT_ID} because some tags contained illegal characters.`,
      ) as unknown,
    })
  })

  it('validates Tags before StreamName', async () => {
    const deps = await activeStream()
    await expect(
      addTagsToStreamOperation(deps).handle({ StreamName: '', Tags: {} }, context),
    ).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        '3 validation errors detected: ' +
        "Value '{}' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    })
  })

  it('needs an ACTIVE stream that exists', async () => {
    const deps = fakeStreamsDeps()
    await expect(
      addTagsToStreamOperation(deps).handle({ StreamName: 'orders', Tags: { a: 'b' } }, context),
    ).rejects.toMatchObject({ type: 'ResourceNotFoundException' })
    await createStreamOperation(deps).handle({ StreamName: 'orders', ShardCount: 1 }, context)
    await expect(
      addTagsToStreamOperation(deps).handle({ StreamName: 'orders', Tags: { a: 'b' } }, context),
    ).rejects.toMatchObject({
      type: 'ResourceInUseException',
      message: `Stream orders under account ${ACCOUNT_ID} not ACTIVE, instead in state CREATING`,
    })
  })
})

describe('RemoveTagsFromStream', () => {
  it('removes the named tags and ignores unknown keys', async () => {
    const deps = await activeStream()
    await addTagsToStreamOperation(deps).handle(
      { StreamName: 'orders', Tags: { a: '1', b: '2', c: '3' } },
      context,
    )
    await removeTagsFromStreamOperation(deps).handle(
      { StreamName: 'orders', TagKeys: ['a', 'c', 'zz'] },
      context,
    )
    expect((await storedStream(deps, 'orders')).tags).toEqual({ b: '2' })
  })

  it('refuses invalid characters and an empty key list', async () => {
    const deps = await activeStream()
    const remove = removeTagsFromStreamOperation(deps)
    await expect(remove.handle({ StreamName: 'orders', TagKeys: ['a%'] }, context)).rejects.toMatchObject({
      message: expect.stringContaining('Failed to remove tags from stream orders') as unknown,
    })
    await expect(remove.handle({ StreamName: 'orders', TagKeys: [] }, context)).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        "1 validation error detected: Value '[]' at 'tagKeys' failed to satisfy constraint: Member must have length greater than or equal to 1",
    })
  })
})

describe('ListTagsForStream', () => {
  it('lists tags in key order with ExclusiveStartTagKey, Limit and HasMoreTags', async () => {
    const deps = await activeStream()
    await addTagsToStreamOperation(deps).handle(
      { StreamName: 'orders', Tags: { c: '3', a: '1', d: '4', b: '2' } },
      context,
    )
    const list = listTagsForStreamOperation(deps)
    expect(await list.handle({ StreamName: 'orders' }, context)).toEqual({
      Tags: [
        { Key: 'a', Value: '1' },
        { Key: 'b', Value: '2' },
        { Key: 'c', Value: '3' },
        { Key: 'd', Value: '4' },
      ],
      HasMoreTags: false,
    })
    expect(await list.handle({ StreamName: 'orders', ExclusiveStartTagKey: 'a', Limit: 2 }, context)).toEqual(
      {
        Tags: [
          { Key: 'b', Value: '2' },
          { Key: 'c', Value: '3' },
        ],
        HasMoreTags: true,
      },
    )
    expect(await list.handle({ StreamName: 'orders', ExclusiveStartTagKey: 'd' }, context)).toEqual({
      Tags: [],
      HasMoreTags: false,
    })
    await expect(list.handle({ StreamName: 'orders', Limit: 51 }, context)).rejects.toMatchObject({
      type: 'ValidationException',
      message:
        "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50",
    })
  })
})

describe('TagResource, UntagResource, ListTagsForResource', () => {
  it('tag, untag and list a stream by its ARN', async () => {
    const deps = await activeStream()
    const arn = arnOf('orders')
    await tagResourceOperation(deps).handle({ ResourceARN: arn, Tags: { b: '2', a: '1' } }, context)
    await untagResourceOperation(deps).handle({ ResourceARN: arn, TagKeys: ['b'] }, context)
    expect(await listTagsForResourceOperation(deps).handle({ ResourceARN: arn }, context)).toEqual({
      Tags: [{ Key: 'a', Value: '1' }],
    })
  })

  it('apply the 50-tag limit', async () => {
    const deps = await activeStream()
    await expect(
      tagResourceOperation(deps).handle({ ResourceARN: arnOf('orders'), Tags: manyTags(51) }, context),
    ).rejects.toMatchObject({ type: 'InvalidArgumentException' })
  })

  it('answer ResourceNotFoundException for unknown streams, consumers and other accounts', async () => {
    const deps = await activeStream()
    const list = (arn: string) => listTagsForResourceOperation(deps).handle({ ResourceARN: arn }, context)
    await expect(list(arnOf('missing'))).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
      message: `Stream missing under account ${ACCOUNT_ID} not found.`,
    })
    await expect(list(`${arnOf('orders')}/consumer/app:1700000000`)).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
    })
    await expect(list('arn:aws:kinesis:us-east-1:999999999999:stream/orders')).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
    })
    await expect(list('arn:aws:kinesis:us-east-1:123456789012:stream/a/b')).rejects.toMatchObject({
      type: 'InvalidArgumentException',
    })
    await expect(list('arn:aws:s3:::bucket')).rejects.toMatchObject({ type: 'ValidationException' })
  })
})
