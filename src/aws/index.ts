// The AWS service kit: what every service (Kinesis Data Streams, Firehose, Analytics, ...) is written against,
// and what the gateway serves. Protocol-neutral: nothing here knows bytes, content types or HTTP.
export {
  defineOperation,
  defineService,
  type Operation,
  type RequestContext,
  type Service,
  type WireProtocol,
} from './service.ts'
export {
  EMPTY_INPUT,
  inputShape,
  type InputMembers,
  type ListShape,
  type MapShape,
  type ScalarShape,
  type ScalarType,
  type Shape,
  type ShapeType,
  type StructureShape,
} from './shape.ts'
export {
  checkConstraints,
  maxLengthRule,
  messageMemberName,
  validationException,
  violationText,
} from './constraints.ts'
export { boundedText, MAX_VALUE_TEXT_LENGTH, valueText } from './value-text.ts'
export { validated } from './validated.ts'
export * from './errors.ts'
export { eventStream, isEventStreamOutput, type EventStreamOutput, type StreamEvent } from './event-stream.ts'
export { decodePageToken, encodePageToken } from './page-tokens.ts'
