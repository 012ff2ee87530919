import { describe, expect, it } from 'vitest'

import { fakeFirehose, S3_DESTINATION } from '../../../test/support/firehose/fake-firehose.ts'
import { reconcileDeliveryStreams } from './delivery-stream-reconciler.ts'

describe('the delivery stream reconciler', () => {
  it('completes a creation and a deletion that the requests which started them left behind', async () => {
    const firehose = fakeFirehose()
    const { recordLog, catalog } = firehose.deps
    recordLog.faults.plan('createTopic', 'fail')
    await firehose.call('CreateDeliveryStream', {
      DeliveryStreamName: 'half-created',
      ExtendedS3DestinationConfiguration: S3_DESTINATION,
    })
    await firehose.call('CreateDeliveryStream', {
      DeliveryStreamName: 'half-deleted',
      ExtendedS3DestinationConfiguration: S3_DESTINATION,
    })
    await firehose.settle()
    recordLog.faults.plan('deleteTopic', 'fail')
    await firehose.call('DeleteDeliveryStream', { DeliveryStreamName: 'half-deleted' })
    await firehose.settle()
    // What a replica that restarted meets: no request of its own in flight (the first replica's creation is
    // asleep before its next attempt), one creation and one deletion unfinished.
    expect(
      (await catalog.listEvery()).map((stream) => stream.description.DeliveryStreamStatus).sort(),
    ).toEqual(['CREATING', 'DELETING'])

    const restarted = { ...firehose.deps }
    const reconciling = reconcileDeliveryStreams(restarted)
    await firehose.settle()
    expect(await reconciling).toBe(2)
    expect(
      (await catalog.listEvery()).map((stream) => [stream.name, stream.description.DeliveryStreamStatus]),
    ).toEqual([['half-created', 'ACTIVE']])
    expect(recordLog.topicNames()).toEqual(['firehose.123456789012.us-east-1.half-created'])
  })
})
