// S3 object keys as Firehose names them:
//
//   <evaluated prefix><DeliveryStreamName>-<VersionId>-<yyyy-MM-dd-HH-mm-ss>-<uuid><extension>
//
// - no Prefix (or an empty one): `yyyy/MM/dd/HH/`;
// - a Prefix without expressions gets `yyyy/MM/dd/HH/` appended, no slash inserted (`logs` -> `logs2026/...`:
//   what the service does, although its guide shows a slash);
// - a Prefix with any expression is evaluated and gets nothing appended:
//     !{timestamp:<DateTimeFormatter pattern>}   the oldest record's arrival, one instant for every occurrence
//     !{firehose:random-string}                  11 characters, fresh for every occurrence
//     !{firehose:error-output-type}              ErrorOutputPrefix only
//     !{partitionKeyFromQuery:k} / !{partitionKeyFromLambda:k}   the record's partition keys (dynamic partitioning)
// - failed records go under ErrorOutputPrefix evaluated the same way; without one (or one without expressions)
//   under `<Prefix or ErrorOutputPrefix><error-output-type>/yyyy/MM/dd/HH/`.
// Times are in CustomTimeZone (UTC by default), for the prefix and the key alike.

import { randomBytes, randomUUID } from 'node:crypto'

import type { ErrorOutputType } from './delivery-record.ts'
import { TimestampPatternError, timestampPattern } from './timestamp-pattern.ts'

const DEFAULT_TIME_PREFIX = 'yyyy/MM/dd/HH/'
const KEY_TIME_PATTERN = 'yyyy-MM-dd-HH-mm-ss'
const RANDOM_STRING_LENGTH = 11
const NAMESPACES = new Set(['timestamp', 'firehose', 'partitionKeyFromQuery', 'partitionKeyFromLambda'])
const FIREHOSE_VALUES = new Set(['random-string', 'error-output-type'])

export type PrefixPart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'timestamp'; readonly pattern: string }
  | { readonly kind: 'random-string' }
  | { readonly kind: 'error-output-type' }
  | { readonly kind: 'partition-key'; readonly source: 'query' | 'lambda'; readonly key: string }

/** A prefix read once into parts; `expressions` is false for a plain text prefix. */
export interface CompiledPrefix {
  readonly parts: readonly PrefixPart[]
  readonly expressions: boolean
}

export class PrefixSyntaxError extends Error {
  override name = 'PrefixSyntaxError'
}

/** A record lacks a partition key the prefix names: it goes to the error output as partitioning-failed. */
export class MissingPartitionKeyError extends Error {
  override name = 'MissingPartitionKeyError'
}

/** Reads a prefix; throws PrefixSyntaxError where `!{` does not open a `!{namespace:value}` expression. */
export function compilePrefix(prefix: string): CompiledPrefix {
  const parts: PrefixPart[] = []
  let text = ''
  let index = 0
  while (index < prefix.length) {
    const open = prefix.indexOf('!{', index)
    if (open < 0) {
      text += prefix.slice(index)
      break
    }
    text += prefix.slice(index, open)
    const close = prefix.indexOf('}', open + 2)
    if (close < 0) throw new PrefixSyntaxError(`'!{' at ${open} is not closed`)
    const body = prefix.slice(open + 2, close)
    const colon = body.indexOf(':')
    const namespace = colon < 0 ? body : body.slice(0, colon)
    const value = colon < 0 ? '' : body.slice(colon + 1)
    if (colon < 0 || !NAMESPACES.has(namespace) || value === '') {
      throw new PrefixSyntaxError(`'!{${body}}' is not a !{namespace:value} expression`)
    }
    if (namespace === 'firehose' && !FIREHOSE_VALUES.has(value)) {
      throw new PrefixSyntaxError(`'!{${body}}' names no firehose value`)
    }
    if (text !== '') parts.push({ kind: 'text', text })
    text = ''
    parts.push(expressionPart(namespace, value))
    index = close + 1
  }
  if (text !== '') parts.push({ kind: 'text', text })
  return { parts, expressions: parts.some((part) => part.kind !== 'text') }
}

function expressionPart(namespace: string, value: string): PrefixPart {
  switch (namespace) {
    case 'timestamp':
      timestampPattern(value)
      return { kind: 'timestamp', pattern: value }
    case 'firehose':
      return value === 'random-string' ? { kind: 'random-string' } : { kind: 'error-output-type' }
    case 'partitionKeyFromQuery':
      return { kind: 'partition-key', source: 'query', key: value }
    default:
      return { kind: 'partition-key', source: 'lambda', key: value }
  }
}

export interface PrefixValues {
  /** The arrival time of the oldest record in the object (epoch ms). */
  readonly timestamp: number
  readonly timeZone: string
  readonly errorOutputType?: ErrorOutputType
  readonly partitionKeys?: Readonly<Record<string, string>> | undefined
  /** Random characters; fresh for each call. */
  readonly randomString?: () => string
}

/** Evaluates every part; throws MissingPartitionKeyError when a partition key is absent. */
export function evaluateParts(parts: readonly PrefixPart[], values: PrefixValues): string {
  let text = ''
  for (const part of parts) {
    switch (part.kind) {
      case 'text':
        text += part.text
        break
      case 'timestamp':
        text += timestampPattern(part.pattern).format(values.timestamp, values.timeZone)
        break
      case 'random-string':
        text += (values.randomString ?? randomString)()
        break
      case 'error-output-type':
        text += values.errorOutputType ?? ''
        break
      case 'partition-key': {
        const value = values.partitionKeys?.[part.key]
        if (value === undefined) throw new MissingPartitionKeyError(`no partition key '${part.key}'`)
        text += value
        break
      }
    }
  }
  return text
}

/**
 * What decides which buffer a record joins under dynamic partitioning: its partition keys and its arrival time
 * formatted by the prefix's timestamp expressions (random strings are drawn per object, not per record).
 */
export function partitionOf(
  prefix: CompiledPrefix,
  record: {
    readonly approximateArrivalTimestamp: number
    readonly partitionKeys?: Readonly<Record<string, string>>
  },
  timeZone: string,
): string {
  let key = ''
  for (const part of prefix.parts) {
    if (part.kind === 'timestamp') {
      key += `${timestampPattern(part.pattern).format(record.approximateArrivalTimestamp, timeZone)}\u0000`
    } else if (part.kind === 'partition-key') {
      const value = record.partitionKeys?.[part.key]
      if (value === undefined) throw new MissingPartitionKeyError(`no partition key '${part.key}'`)
      key += `${value}\u0000`
    }
  }
  return key
}

/** How one delivery stream names its objects. */
export interface ObjectNaming {
  readonly deliveryStreamName: string
  readonly versionId: string
  readonly prefix: CompiledPrefix | undefined
  /** The text of ErrorOutputPrefix as configured (undefined or '' when none). */
  readonly errorOutputPrefix: CompiledPrefix | undefined
  readonly timeZone: string
  readonly extension: string
}

export interface ObjectNamingConfig {
  readonly deliveryStreamName: string
  readonly versionId: string
  readonly prefix?: string | undefined
  readonly errorOutputPrefix?: string | undefined
  readonly customTimeZone?: string | undefined
  readonly compression?: string | undefined
  /** FileExtension; an empty one keeps the compression's extension. */
  readonly fileExtension?: string | undefined
}

export function objectNaming(config: ObjectNamingConfig): ObjectNaming {
  const nonEmpty = (text: string | undefined): string | undefined =>
    text === undefined || text === '' ? undefined : text
  const prefix = nonEmpty(config.prefix)
  const errorOutputPrefix = nonEmpty(config.errorOutputPrefix)
  return {
    deliveryStreamName: config.deliveryStreamName,
    versionId: config.versionId,
    prefix: prefix === undefined ? undefined : compilePrefix(prefix),
    errorOutputPrefix: errorOutputPrefix === undefined ? undefined : compilePrefix(errorOutputPrefix),
    timeZone: nonEmpty(config.customTimeZone) ?? 'UTC',
    extension: nonEmpty(config.fileExtension) ?? defaultExtension(config.compression),
  }
}

/** The extension Firehose gives an object of this CompressionFormat. */
export function defaultExtension(compression: string | undefined): string {
  switch (compression) {
    case 'GZIP':
      return '.gz'
    case 'ZIP':
      return '.zip'
    case 'Snappy':
    case 'HADOOP_SNAPPY':
      return '.snappy'
    default:
      return ''
  }
}

export interface KeyValues {
  /** The arrival time of the oldest record in the object. */
  readonly timestamp: number
  readonly partitionKeys?: Readonly<Record<string, string>> | undefined
  readonly randomString?: () => string
  readonly uuid?: () => string
}

/** The evaluated prefix of delivered records. */
export function deliveryPrefix(naming: ObjectNaming, values: KeyValues): string {
  const { prefix, timeZone } = naming
  if (prefix === undefined) return evaluateParts(DEFAULT_PARTS, { timestamp: values.timestamp, timeZone })
  if (!prefix.expressions) {
    return evaluateParts([...prefix.parts, ...DEFAULT_PARTS], { timestamp: values.timestamp, timeZone })
  }
  return evaluateParts(prefix.parts, { ...values, timeZone })
}

/** The evaluated prefix of failed records of one error output type. */
export function errorPrefix(naming: ObjectNaming, type: ErrorOutputType, values: KeyValues): string {
  const { errorOutputPrefix, prefix, timeZone } = naming
  if (errorOutputPrefix?.expressions === true) {
    return evaluateParts(errorOutputPrefix.parts, {
      ...values,
      timeZone,
      errorOutputType: type,
      partitionKeys: {},
    })
  }
  const base = errorOutputPrefix ?? (prefix?.expressions === false ? prefix : undefined)
  return evaluateParts([...(base?.parts ?? []), { kind: 'text', text: `${type}/` }, ...DEFAULT_PARTS], {
    timestamp: values.timestamp,
    timeZone,
  })
}

/** `<prefix><DeliveryStreamName>-<VersionId>-<yyyy-MM-dd-HH-mm-ss>-<uuid><extension>`. */
export function objectKey(naming: ObjectNaming, evaluatedPrefix: string, values: KeyValues): string {
  const time = timestampPattern(KEY_TIME_PATTERN).format(values.timestamp, naming.timeZone)
  const uuid = (values.uuid ?? randomUUID)()
  return `${evaluatedPrefix}${naming.deliveryStreamName}-${naming.versionId}-${time}-${uuid}${naming.extension}`
}

const DEFAULT_PARTS: readonly PrefixPart[] = [{ kind: 'timestamp', pattern: DEFAULT_TIME_PREFIX }]

const RANDOM_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** 11 characters of [a-z0-9]. */
export function randomString(): string {
  const bytes = randomBytes(RANDOM_STRING_LENGTH)
  let text = ''
  for (const byte of bytes) text += RANDOM_ALPHABET.charAt(byte % RANDOM_ALPHABET.length)
  return text
}

// ---- validation: what CreateDeliveryStream and UpdateDestination refuse ----

/** AWS opens these messages with its own misspelling ("Ths"), which clients may match on. */
const CONSTRAINT = 'Ths supplied prefix(es) do not satisfy the following constraint: '

export interface PrefixConfig {
  readonly Prefix?: string | undefined
  readonly ErrorOutputPrefix?: string | undefined
  readonly DynamicPartitioningEnabled?: boolean | undefined
}

/**
 * The InvalidArgumentException message AWS answers for prefixes that break its rules, or undefined when they
 * are valid. Wording taken from AWS's answers where they are on record (ErrorOutputPrefix missing, dynamic
 * partitioning namespaces without dynamic partitioning, dynamic partitioning without them, them in
 * ErrorOutputPrefix); the other rules are worded in the same form.
 */
export function s3PrefixViolation(config: PrefixConfig): string | undefined {
  const prefixText = config.Prefix ?? ''
  const errorText = config.ErrorOutputPrefix ?? ''
  let prefix: CompiledPrefix
  let errorPrefixParts: CompiledPrefix
  try {
    prefix = compilePrefix(prefixText)
    errorPrefixParts = compilePrefix(errorText)
  } catch (error) {
    if (error instanceof TimestampPatternError) {
      return `${CONSTRAINT}The timestamp namespace must hold a valid DateTimeFormatter pattern`
    }
    if (error instanceof PrefixSyntaxError) {
      return `${CONSTRAINT}The sequence '!{' can only appear in !{namespace:value} expressions`
    }
    throw error
  }
  const usesPartitionKeys = (compiled: CompiledPrefix): boolean =>
    compiled.parts.some((part) => part.kind === 'partition-key')
  if (usesPartitionKeys(prefix) && config.DynamicPartitioningEnabled !== true) {
    return 'Dynamic Partitioning Namespaces can only be part of a prefix expression when Dynamic Partitioning is enabled.'
  }
  if (prefix.parts.some((part) => part.kind === 'error-output-type')) {
    return `${CONSTRAINT}Prefix cannot contain the firehose:error-output-type expression`
  }
  if (errorText === '' && (prefix.expressions || config.DynamicPartitioningEnabled === true)) {
    return `${CONSTRAINT}ErrorOutputPrefix cannot be null or empty when Prefix contains expressions`
  }
  if (config.DynamicPartitioningEnabled === true && !usesPartitionKeys(prefix)) {
    return 'S3 Prefix should contain Dynamic Partitioning namespaces when Dynamic Partitioning is enabled'
  }
  if (usesPartitionKeys(errorPrefixParts)) {
    return "Dynamic Partitioning Namespaces can't be part of an error prefix expression"
  }
  if (
    errorPrefixParts.expressions &&
    !errorPrefixParts.parts.some((part) => part.kind === 'error-output-type')
  ) {
    return `${CONSTRAINT}ErrorOutputPrefix must contain the firehose:error-output-type expression when it contains expressions`
  }
  return undefined
}
