// Delivery stream ARNs: arn:{partition}:firehose:{region}:{accountId}:deliverystream/{name}

import { partitionOfRegion } from './arns.ts'
import { isAccountId, isRegionName } from './identifiers.ts'
import { isDeliveryStreamName, type DeliveryStreamCoordinates } from './delivery-stream-topics.ts'

export function deliveryStreamArn(stream: DeliveryStreamCoordinates): string {
  if (!isAccountId(stream.accountId)) throw new RangeError(`not an account id: '${stream.accountId}'`)
  if (!isRegionName(stream.region)) throw new RangeError(`not a region name: '${stream.region}'`)
  if (!isDeliveryStreamName(stream.name)) throw new RangeError(`not a delivery stream name: '${stream.name}'`)
  const partition = partitionOfRegion(stream.region)
  return `arn:${partition}:firehose:${stream.region}:${stream.accountId}:deliverystream/${stream.name}`
}
