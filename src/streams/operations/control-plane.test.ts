import { describe, expect, it } from 'vitest'

import { fakeStreamsDeps } from '../../../test/support/streams/fake-streams-deps.ts'
import { controlPlaneOperations } from './control-plane.ts'

describe('controlPlaneOperations', () => {
  it('registers every control-plane operation once', () => {
    const names = controlPlaneOperations(fakeStreamsDeps()).map((operation) => operation.name)
    expect(new Set(names).size).toBe(names.length)
    expect([...names].sort()).toEqual([
      'AddTagsToStream',
      'CreateStream',
      'DecreaseStreamRetentionPeriod',
      'DeleteResourcePolicy',
      'DeleteStream',
      'DescribeLimits',
      'DescribeStream',
      'DescribeStreamSummary',
      'DisableEnhancedMonitoring',
      'EnableEnhancedMonitoring',
      'GetResourcePolicy',
      'IncreaseStreamRetentionPeriod',
      'ListShards',
      'ListStreams',
      'ListTagsForResource',
      'ListTagsForStream',
      'MergeShards',
      'PutResourcePolicy',
      'RemoveTagsFromStream',
      'SplitShard',
      'StartStreamEncryption',
      'StopStreamEncryption',
      'TagResource',
      'UntagResource',
      'UpdateMaxRecordSize',
      'UpdateShardCount',
      'UpdateStreamMode',
    ])
  })
})
