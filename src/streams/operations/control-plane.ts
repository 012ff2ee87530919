import type { Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { addTagsToStreamOperation } from './add-tags-to-stream.ts'
import { createStreamOperation } from './create-stream.ts'
import { decreaseStreamRetentionPeriodOperation } from './decrease-stream-retention-period.ts'
import { deleteResourcePolicyOperation } from './delete-resource-policy.ts'
import { deleteStreamOperation } from './delete-stream.ts'
import { describeLimitsOperation } from './describe-limits.ts'
import { describeStreamSummaryOperation } from './describe-stream-summary.ts'
import { describeStreamOperation } from './describe-stream.ts'
import { disableEnhancedMonitoringOperation } from './disable-enhanced-monitoring.ts'
import { enableEnhancedMonitoringOperation } from './enable-enhanced-monitoring.ts'
import { getResourcePolicyOperation } from './get-resource-policy.ts'
import { increaseStreamRetentionPeriodOperation } from './increase-stream-retention-period.ts'
import { listShardsOperation } from './list-shards.ts'
import { listStreamsOperation } from './list-streams.ts'
import { listTagsForResourceOperation } from './list-tags-for-resource.ts'
import { listTagsForStreamOperation } from './list-tags-for-stream.ts'
import { mergeShardsOperation } from './merge-shards.ts'
import { putResourcePolicyOperation } from './put-resource-policy.ts'
import { removeTagsFromStreamOperation } from './remove-tags-from-stream.ts'
import { splitShardOperation } from './split-shard.ts'
import { startStreamEncryptionOperation } from './start-stream-encryption.ts'
import { stopStreamEncryptionOperation } from './stop-stream-encryption.ts'
import { tagResourceOperation } from './tag-resource.ts'
import { untagResourceOperation } from './untag-resource.ts'
import { updateMaxRecordSizeOperation } from './update-max-record-size.ts'
import { updateShardCountOperation } from './update-shard-count.ts'
import { updateStreamModeOperation } from './update-stream-mode.ts'

/** Stream lifecycle, shards, settings and tags. */
export function controlPlaneOperations(deps: StreamsDeps): Operation[] {
  return [
    createStreamOperation(deps),
    deleteStreamOperation(deps),
    describeStreamOperation(deps),
    describeStreamSummaryOperation(deps),
    listStreamsOperation(deps),
    listShardsOperation(deps),
    splitShardOperation(deps),
    mergeShardsOperation(deps),
    updateShardCountOperation(deps),
    describeLimitsOperation(deps),
    addTagsToStreamOperation(deps),
    removeTagsFromStreamOperation(deps),
    listTagsForStreamOperation(deps),
    tagResourceOperation(deps),
    untagResourceOperation(deps),
    listTagsForResourceOperation(deps),
    increaseStreamRetentionPeriodOperation(deps),
    decreaseStreamRetentionPeriodOperation(deps),
    updateStreamModeOperation(deps),
    enableEnhancedMonitoringOperation(deps),
    disableEnhancedMonitoringOperation(deps),
    updateMaxRecordSizeOperation(deps),
    startStreamEncryptionOperation(deps),
    stopStreamEncryptionOperation(deps),
    putResourcePolicyOperation(deps),
    getResourcePolicyOperation(deps),
    deleteResourcePolicyOperation(deps),
  ]
}
