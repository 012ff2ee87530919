/** The processing stage a delivery worker runs between reading records and writing them to the destination. */
export {
  createRecordProcessor,
  type ProcessingDeps,
  type ProcessingDestination,
  type RecordProcessor,
} from './process-records.ts'
export { processingConfigurationViolation } from './processing-settings.ts'
export {
  createFormatConverter,
  dataFormatConversionViolation,
  type ConversionFailure,
  type FormatConverter,
} from './format-conversion.ts'
export type { InvocationContext } from './lambda-transformation.ts'
