// The resource a ResourceARN names (TagResource, UntagResource, ListTagsForResource and the resource policy
// operations): a stream, or a registered consumer of one.

import { InvalidArgumentException, ResourceNotFoundException } from '../errors.ts'
import type { RequestContext } from '../../aws/index.ts'
import { parseKinesisArn } from '../../mapping/arns.ts'
import type { ConsumerRecord } from '../../ports/consumer-registry.ts'
import type { StreamKey } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { requireStream } from '../catalog/stream-lookup.ts'
import { visibleConsumer } from '../fan-out/stream-consumers.ts'

export type KinesisResource =
  | { readonly kind: 'stream'; readonly key: StreamKey }
  | { readonly kind: 'consumer'; readonly key: StreamKey; readonly consumer: ConsumerRecord }

/** The stream or consumer a ResourceARN names; a consumer must be registered (in any status but gone). */
export async function resourceOf(
  deps: StreamsDeps,
  resourceArn: string,
  context: RequestContext,
): Promise<KinesisResource> {
  const parsed = parseKinesisArn(resourceArn)
  if (parsed === undefined) throw InvalidArgumentException(`Invalid ResourceARN: ${resourceArn}`)
  if (parsed.accountId !== context.accountId || parsed.region !== context.region) {
    throw ResourceNotFoundException(`Resource ${resourceArn} not found.`)
  }
  const key = { accountId: parsed.accountId, region: parsed.region, streamName: parsed.streamName }
  if (parsed.kind === 'stream') return { kind: 'stream', key }
  const consumerNotFound = () => ResourceNotFoundException(`Consumer ${resourceArn} not found.`)
  const stored = await deps.consumers?.getByArn(resourceArn)
  if (stored === undefined) throw consumerNotFound()
  const stream = await requireStream(deps, key)
  const consumer = visibleConsumer(stored, stream, deps.clock.now())
  if (consumer === undefined) throw consumerNotFound()
  return { kind: 'consumer', key, consumer }
}

/** The stream a ResourceARN names, or the stream of the consumer it names. */
export async function streamKeyOfResource(
  deps: StreamsDeps,
  resourceArn: string,
  context: RequestContext,
): Promise<StreamKey> {
  return (await resourceOf(deps, resourceArn, context)).key
}
