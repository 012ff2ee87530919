// The resource a ResourceARN names (TagResource, UntagResource, ListTagsForResource and the resource policy
// operations).

import { InvalidArgumentException, ResourceNotFoundException, type RequestContext } from '../gateway/index.ts'
import { parseKinesisArn } from '../mapping/arns.ts'
import type { StreamKey } from '../ports/stream-catalog.ts'
import { isRegisteredConsumer } from './stream-consumers.ts'

/** The stream a ResourceARN names; a consumer ARN names a registered consumer, of which none exists. */
export function streamKeyOfResource(resourceArn: string, context: RequestContext): StreamKey {
  const parsed = parseKinesisArn(resourceArn)
  if (parsed === undefined) throw InvalidArgumentException(`Invalid ResourceARN: ${resourceArn}`)
  if (parsed.accountId !== context.accountId || parsed.region !== context.region) {
    throw ResourceNotFoundException(`Resource ${resourceArn} not found.`)
  }
  if (parsed.kind === 'consumer' && !isRegisteredConsumer(resourceArn)) {
    throw ResourceNotFoundException(`Consumer ${resourceArn} not found.`)
  }
  return { accountId: parsed.accountId, region: parsed.region, streamName: parsed.streamName }
}
