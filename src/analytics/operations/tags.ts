import type {
  ListTagsForResourceRequest,
  ListTagsForResourceResponse,
  TagResourceRequest,
  TagResourceResponse,
  UntagResourceRequest,
  UntagResourceResponse,
} from '@aws-sdk/client-kinesis-analytics'

import { defineOperation, validated, type Operation, type RequestContext } from '../../aws/index.ts'
import type { ApplicationRecord } from '../../ports/application-catalog.ts'
import { writeRecord } from '../applications/changes.ts'
import { keyOfArn } from '../applications/records.ts'
import { checkTags } from '../applications/tags.ts'
import type { AnalyticsDeps } from '../deps.ts'
import { guarded, ResourceNotFoundException } from '../errors.ts'
import { KinesisAnalyticsARN, Tags } from '../members.ts'

// Tags change neither the status nor the version of an application.

async function taggedApplication(
  deps: AnalyticsDeps,
  context: RequestContext,
  arn: string,
): Promise<ApplicationRecord> {
  const key = keyOfArn(context, arn)
  const record = key === undefined ? undefined : await deps.applications.get(key)
  if (record === undefined) throw ResourceNotFoundException(`Resource ${arn} is not found.`)
  return record
}

export function tagResource(deps: AnalyticsDeps): Operation<TagResourceRequest, TagResourceResponse> {
  return defineOperation({
    name: 'TagResource',
    input: { ResourceARN: KinesisAnalyticsARN, Tags: { ...Tags, required: true } },
    handle: (input, context) =>
      guarded(async () => {
        const record = await taggedApplication(deps, context, validated(input.ResourceARN, 'ResourceARN'))
        const tags = checkTags(record.tags, validated(input.Tags, 'Tags'))
        await writeRecord(deps, { ...record, tags, revision: record.revision + 1 })
        return {}
      }),
  })
}

export function untagResource(deps: AnalyticsDeps): Operation<UntagResourceRequest, UntagResourceResponse> {
  return defineOperation({
    name: 'UntagResource',
    input: {
      ResourceARN: KinesisAnalyticsARN,
      TagKeys: {
        type: 'list',
        required: true,
        minLength: 1,
        maxLength: 200,
        member: { type: 'string', minLength: 1, maxLength: 128 },
      },
    },
    handle: (input, context) =>
      guarded(async () => {
        const record = await taggedApplication(deps, context, validated(input.ResourceARN, 'ResourceARN'))
        const removed = new Set(validated(input.TagKeys, 'TagKeys'))
        const tags = record.tags.filter((tag) => !removed.has(tag.Key))
        await writeRecord(deps, { ...record, tags, revision: record.revision + 1 })
        return {}
      }),
  })
}

export function listTagsForResource(
  deps: AnalyticsDeps,
): Operation<ListTagsForResourceRequest, ListTagsForResourceResponse> {
  return defineOperation({
    name: 'ListTagsForResource',
    input: { ResourceARN: KinesisAnalyticsARN },
    handle: (input, context) =>
      guarded(async () => {
        const record = await taggedApplication(deps, context, validated(input.ResourceARN, 'ResourceARN'))
        return {
          Tags: record.tags.map((tag) =>
            tag.Value === undefined ? { Key: tag.Key } : { Key: tag.Key, Value: tag.Value },
          ),
        }
      }),
  })
}
