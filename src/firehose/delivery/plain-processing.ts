import type { DeliveryRecord, ProcessedBatch } from './delivery-record.ts'

/** How a batch is processed into what the destination receives. */
export type ProcessBatch = (records: DeliveryRecord[]) => Promise<ProcessedBatch>

/** The processing of a delivery stream without ProcessingConfiguration: every record as it came. */
export const plainProcessing: ProcessBatch = (records) =>
  Promise.resolve({
    records: records.map((record) => ({
      data: record.data,
      approximateArrivalTimestamp: record.approximateArrivalTimestamp,
    })),
    failed: [],
  })
