/**
 * The records a delivery worker moves from a delivery stream's topic to its destination, and what the
 * processing stage (de-aggregation, decompression, metadata extraction, Lambda, dynamic partitioning, format
 * conversion) hands back to it.
 */

/** A record read from the delivery stream's topic (DirectPut) or its source stream's topic. */
export interface DeliveryRecord {
  /** Unique within the batch being processed: the recordId a Lambda transform must echo. */
  readonly recordId: string
  readonly data: Buffer
  /** When Firehose (or the source stream) accepted the record, in epoch milliseconds. */
  readonly approximateArrivalTimestamp: number
  /** Present when the delivery stream reads a Kinesis stream. */
  readonly kinesisRecordMetadata?: KinesisRecordMetadata
}

export interface KinesisRecordMetadata {
  readonly shardId: string
  readonly partitionKey: string
  readonly sequenceNumber: string
  readonly subsequenceNumber?: number
  readonly approximateArrivalTimestamp: number
}

/** A record ready for the destination, after processing. */
export interface ProcessedRecord {
  readonly data: Buffer
  readonly approximateArrivalTimestamp: number
  /** The keys `!{partitionKeyFromQuery:k}` and `!{partitionKeyFromLambda:k}` read, when partitioning is on. */
  readonly partitionKeys?: Readonly<Record<string, string>>
}

/** The values `!{firehose:error-output-type}` takes. */
export type ErrorOutputType =
  | 'processing-failed'
  | 'http-endpoint-failed'
  | 'format-conversion-failed'
  | 'partitioning-failed'
  | 'decompression-failed'

/** A record the processing stage could not turn into a ProcessedRecord: it goes to the error output. */
export interface FailedRecord {
  readonly record: DeliveryRecord
  readonly errorOutputType: ErrorOutputType
  readonly errorCode: string
  readonly errorMessage: string
  readonly attemptsMade: number
  readonly attemptEndingTimestamp: number
  /** Set when a Lambda transform failed. */
  readonly lambdaArn?: string
}

export interface ProcessedBatch {
  readonly records: readonly ProcessedRecord[]
  readonly failed: readonly FailedRecord[]
}
