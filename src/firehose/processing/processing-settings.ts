import type {
  DynamicPartitioningConfiguration,
  ProcessingConfiguration,
  Processor,
} from '@aws-sdk/client-firehose'

/** What a delivery stream's ProcessingConfiguration asks for, with AWS's defaults filled in. */
export interface ProcessingSettings {
  readonly deaggregation?:
    { readonly subRecordType: 'JSON' } | { readonly subRecordType: 'DELIMITED'; readonly delimiter: Buffer }
  readonly decompression: boolean
  readonly dataMessageExtraction: boolean
  readonly lambda?: LambdaSettings
  /** The jq query of MetadataExtraction, when dynamic partitioning is on. */
  readonly metadataExtractionQuery?: string
  readonly appendDelimiter?: Buffer
}

export interface LambdaSettings {
  readonly lambdaArn: string
  readonly numberOfRetries: number
  /** Invocations carry at most this much record data (BufferSizeInMBs). */
  readonly bufferSizeBytes: number
}

/** AWS's defaults for the Lambda processor. */
export const LAMBDA_DEFAULTS = {
  numberOfRetries: 3,
  bufferSizeInMBs: 1,
  bufferIntervalInSeconds: 60,
} as const

const PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  Lambda: ['LambdaArn', 'NumberOfRetries', 'RoleArn', 'BufferSizeInMBs', 'BufferIntervalInSeconds'],
  MetadataExtraction: ['MetadataExtractionQuery', 'JsonParsingEngine'],
  RecordDeAggregation: ['SubRecordType', 'Delimiter'],
  AppendDelimiterToRecord: ['Delimiter'],
  Decompression: ['CompressionFormat'],
  CloudWatchLogProcessing: ['DataMessageExtraction'],
}

const MAX_METADATA_KEYS = 50

/**
 * Why CreateDeliveryStream (or UpdateDestination) refuses this processing configuration: the message of its
 * InvalidArgumentException, or undefined when the configuration is acceptable.
 */
export function processingConfigurationViolation(
  config: ProcessingConfiguration | undefined,
  dynamicPartitioning?: DynamicPartitioningConfiguration,
): string | undefined {
  const processors = config?.Processors ?? []
  const seen = new Set<string>()
  for (const processor of processors) {
    const type = processor.Type ?? ''
    const allowed = PARAMETERS[type]
    if (allowed === undefined) return `Processor type ${type} is not supported.`
    if (seen.has(type)) return `Only one processor of type ${type} is supported.`
    seen.add(type)
    const names = new Set<string>()
    for (const parameter of processor.Parameters ?? []) {
      const name = parameter.ParameterName ?? ''
      if (!allowed.includes(name)) return `Parameter ${name} is not supported for processor type ${type}.`
      if (names.has(name)) return `Duplicate parameter ${name} for processor type ${type}.`
      names.add(name)
    }
    const violation = parameterViolation(type, processor)
    if (violation !== undefined) return violation
  }
  if (seen.has('MetadataExtraction') && dynamicPartitioning?.Enabled !== true) {
    return 'MetadataExtraction processor is supported only when dynamic partitioning is enabled.'
  }
  if (seen.has('CloudWatchLogProcessing') && !seen.has('Decompression')) {
    return 'CloudWatchLogProcessing processor requires the Decompression processor.'
  }
  return undefined
}

function parameterViolation(type: string, processor: Processor): string | undefined {
  const value = (name: string): string | undefined => parameterValue(processor, name)
  switch (type) {
    case 'Lambda': {
      if (value('LambdaArn') === undefined) return 'LambdaArn is required for processor type Lambda.'
      if (!/^arn:.*:lambda:[^:]*:\d{12}:function:[^:]+(:[^:]+)?$/.test(value('LambdaArn') ?? '')) {
        return `LambdaArn ${value('LambdaArn') ?? ''} is not a valid Lambda function ARN.`
      }
      return (
        rangeViolation('NumberOfRetries', value('NumberOfRetries'), 0, 300, true) ??
        rangeViolation('BufferSizeInMBs', value('BufferSizeInMBs'), 0.2, 3, false) ??
        rangeViolation('BufferIntervalInSeconds', value('BufferIntervalInSeconds'), 60, 900, true)
      )
    }
    case 'MetadataExtraction': {
      const query = value('MetadataExtractionQuery')
      if (query === undefined)
        return 'MetadataExtractionQuery is required for processor type MetadataExtraction.'
      const engine = value('JsonParsingEngine')
      if (engine === undefined) return 'JsonParsingEngine is required for processor type MetadataExtraction.'
      if (engine !== 'JQ-1.6') return `JsonParsingEngine ${engine} is not supported. Supported value: JQ-1.6.`
      if (countQueryKeys(query) > MAX_METADATA_KEYS) {
        return `MetadataExtractionQuery can extract at most ${MAX_METADATA_KEYS} keys.`
      }
      return undefined
    }
    case 'RecordDeAggregation': {
      const subRecordType = value('SubRecordType') ?? 'JSON'
      if (subRecordType !== 'JSON' && subRecordType !== 'DELIMITED') {
        return `SubRecordType ${subRecordType} is not supported. Supported values: JSON, DELIMITED.`
      }
      const delimiter = value('Delimiter')
      if (subRecordType === 'DELIMITED' && delimiter === undefined) {
        return 'Delimiter is required when SubRecordType is DELIMITED.'
      }
      if (subRecordType === 'JSON' && delimiter !== undefined) {
        return 'Delimiter is supported only when SubRecordType is DELIMITED.'
      }
      return delimiter === undefined ? undefined : delimiterViolation(delimiter)
    }
    case 'AppendDelimiterToRecord': {
      const delimiter = value('Delimiter')
      return delimiter === undefined ? undefined : delimiterViolation(delimiter)
    }
    case 'Decompression': {
      const format = value('CompressionFormat') ?? 'GZIP'
      return format === 'GZIP'
        ? undefined
        : `CompressionFormat ${format} is not supported. Supported value: GZIP.`
    }
    case 'CloudWatchLogProcessing': {
      const extraction = value('DataMessageExtraction') ?? 'false'
      return extraction === 'true' || extraction === 'false'
        ? undefined
        : `DataMessageExtraction must be true or false, got ${extraction}.`
    }
    default:
      return undefined
  }
}

function rangeViolation(
  name: string,
  value: string | undefined,
  min: number,
  max: number,
  integer: boolean,
): string | undefined {
  if (value === undefined) return undefined
  const number = Number(value)
  const valid = value.trim() !== '' && Number.isFinite(number) && (!integer || Number.isInteger(number))
  if (valid && number >= min && number <= max) return undefined
  return `${name} must be ${integer ? 'an integer' : 'a number'} between ${min} and ${max}, got ${value}.`
}

function delimiterViolation(delimiter: string): string | undefined {
  const decoded = Buffer.from(delimiter, 'base64')
  const canonical = decoded.toString('base64')
  if (decoded.length === 0 || canonical.replace(/=+$/, '') !== delimiter.replace(/=+$/, '')) {
    return `Delimiter ${delimiter} is not a valid base64-encoded string.`
  }
  return undefined
}

/** The top-level keys of an object-construction query (`{"k":.a,"l":.b}`): commas outside any nesting. */
function countQueryKeys(query: string): number {
  let depth = 0
  let keys = 1
  let inString = false
  for (let i = 0; i < query.length; i++) {
    const char = query[i]
    if (inString) {
      if (char === '\\') i++
      else if (char === '"') inString = false
      continue
    }
    if (char === '"') inString = true
    else if (char === '{' || char === '[' || char === '(') depth++
    else if (char === '}' || char === ']' || char === ')') depth--
    else if (char === ',' && depth === 1) keys++
  }
  return keys
}

function parameterValue(processor: Processor, name: string): string | undefined {
  return processor.Parameters?.find((parameter) => parameter.ParameterName === name)?.ParameterValue
}

/**
 * The settings of an accepted configuration (see processingConfigurationViolation). Processing that is not
 * Enabled does nothing; MetadataExtraction applies only with dynamic partitioning.
 */
export function processingSettings(
  config: ProcessingConfiguration | undefined,
  dynamicPartitioning?: DynamicPartitioningConfiguration,
): ProcessingSettings {
  if (config?.Enabled !== true) return { decompression: false, dataMessageExtraction: false }
  const processor = (type: string): Processor | undefined =>
    config.Processors?.find((candidate) => candidate.Type === type)
  const value = (type: string, name: string): string | undefined => {
    const found = processor(type)
    return found === undefined ? undefined : parameterValue(found, name)
  }

  const settings: {
    -readonly [K in keyof ProcessingSettings]: ProcessingSettings[K]
  } = {
    decompression: processor('Decompression') !== undefined,
    dataMessageExtraction: value('CloudWatchLogProcessing', 'DataMessageExtraction') === 'true',
  }
  if (processor('RecordDeAggregation') !== undefined) {
    const delimiter = value('RecordDeAggregation', 'Delimiter')
    settings.deaggregation =
      value('RecordDeAggregation', 'SubRecordType') === 'DELIMITED' && delimiter !== undefined
        ? { subRecordType: 'DELIMITED', delimiter: Buffer.from(delimiter, 'base64') }
        : { subRecordType: 'JSON' }
  }
  const lambdaArn = value('Lambda', 'LambdaArn')
  if (lambdaArn !== undefined) {
    settings.lambda = {
      lambdaArn,
      numberOfRetries: Number(value('Lambda', 'NumberOfRetries') ?? LAMBDA_DEFAULTS.numberOfRetries),
      bufferSizeBytes: Math.round(
        Number(value('Lambda', 'BufferSizeInMBs') ?? LAMBDA_DEFAULTS.bufferSizeInMBs) * 1024 * 1024,
      ),
    }
  }
  const query = value('MetadataExtraction', 'MetadataExtractionQuery')
  if (query !== undefined && dynamicPartitioning?.Enabled === true) settings.metadataExtractionQuery = query
  if (processor('AppendDelimiterToRecord') !== undefined) {
    const delimiter = value('AppendDelimiterToRecord', 'Delimiter')
    settings.appendDelimiter = delimiter === undefined ? Buffer.from('\n') : Buffer.from(delimiter, 'base64')
  }
  return settings
}
