// What the delivery workers deliver: every ACTIVE delivery stream, with the source stream's incarnation for
// KinesisStreamAsSource (its sequence numbers carry it, and Lambda transforms see them).

import { parseStreamArn } from '../../mapping/arns.ts'
import type { DeliveryStreamCatalog } from '../../ports/delivery-stream-catalog.ts'
import type { DeliveryStreamRecord } from '../../ports/delivery-streams.ts'
import type { StreamCatalog } from '../../ports/stream-catalog.ts'

export async function deliverableStreams(
  deliveryStreams: DeliveryStreamCatalog,
  streams: Pick<StreamCatalog, 'getCached'>,
): Promise<DeliveryStreamRecord[]> {
  const records = await deliveryStreams.listDeliveryStreamRecords()
  return Promise.all(records.map((record) => withSourceIncarnation(record, streams)))
}

async function withSourceIncarnation(
  record: DeliveryStreamRecord,
  streams: Pick<StreamCatalog, 'getCached'>,
): Promise<DeliveryStreamRecord> {
  const sourceArn = record.description.Source?.KinesisStreamSourceDescription?.KinesisStreamARN
  const source = sourceArn === undefined ? undefined : parseStreamArn(sourceArn)
  if (source === undefined) return record
  const stream = await streams.getCached({
    accountId: source.accountId,
    region: source.region,
    streamName: source.streamName,
  })
  return stream === undefined ? record : { ...record, sourceStreamCreatedAtMs: stream.incarnation }
}
