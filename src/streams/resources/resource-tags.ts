import type { StreamRecord } from '../../ports/stream-catalog.ts'
import type { StreamsDeps } from '../deps.ts'
import { updateConsumer } from '../fan-out/consumer-changes.ts'
import type { KinesisResource } from './resource-arns.ts'
import { requireActive, updateStream } from '../catalog/stream-changes.ts'
import { requireStream } from '../catalog/stream-lookup.ts'

/**
 * Changes the tags of the stream or consumer a ResourceARN names (TagResource, UntagResource). `change` gets
 * the owning stream with the resource's current tags, as the tag rules in tags.ts expect.
 */
export async function changeResourceTags(
  deps: StreamsDeps,
  resource: KinesisResource,
  change: (owner: StreamRecord) => Record<string, string>,
): Promise<void> {
  if (resource.kind === 'consumer') {
    const stream = await requireStream(deps, resource.key)
    const { consumerArn, consumerName } = resource.consumer
    await updateConsumer(deps, stream, consumerArn, consumerName, (consumer) => ({
      ...consumer,
      tags: change({ ...stream, tags: consumer.tags ?? {} }),
    }))
    return
  }
  await updateStream(deps, resource.key, (stream, now) => {
    requireActive(stream, now)
    return { ...stream, tags: change(stream) }
  })
}
