// The SQL of Kinesis Data Analytics for SQL applications: parse and check application code, and run it.
export {
  Application,
  ERROR_STREAM,
  checkApplicationCode,
  compileApplication,
  type ApplicationOptions,
  type ApplicationSnapshot,
  type CodeProblem,
  type ReferenceTable,
  type RowListener,
  type StreamSchema,
} from './application.ts'
export { SqlCodeError } from './lexer.ts'
export { parseApplicationCode } from './parser.ts'
export {
  formatTimestamp,
  isTimestamp,
  toPlainValue,
  type Row,
  type SqlValue,
  type TimestampValue,
} from './values.ts'
