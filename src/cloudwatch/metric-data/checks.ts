import type { MetricDatum, PutMetricDataInput, StatisticSet } from '@aws-sdk/client-cloudwatch'
import type { AwsError } from '../../aws/index.ts'
import {
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  MissingRequiredParameterException,
} from '../errors.ts'

// The rules PutMetricData applies beyond the model's constraints, with CloudWatch's wording. The first rule broken
// is reported (CloudWatch names one parameter per error), members named as the query protocol spells them.

/** Values and Counts hold at most this many items per datum (CloudWatch's documented limit). */
export const MAX_VALUES_PER_DATUM = 150
/** Data per request, MetricData and EntityMetricData together (CloudWatch's documented limit). */
export const MAX_DATA_PER_REQUEST = 1000
/** CloudWatch refuses values beyond ±2^360. */
const LARGEST_VALUE = 2 ** 360

/** A datum and the name of the parameter it was sent as (`MetricData.member.1`). */
export interface NamedDatum {
  readonly path: string
  readonly datum: MetricDatum
}

/** Every datum of the request with its parameter name; throws the error CloudWatch answers for a bad request. */
export function checkPutMetricData(input: PutMetricDataInput): NamedDatum[] {
  if (input.Namespace?.startsWith('AWS/') === true) {
    throw InvalidParameterValueException('The value AWS/ for parameter Namespace is invalid.')
  }
  const data: NamedDatum[] = []
  input.MetricData?.forEach((datum, index) => {
    data.push({ path: `MetricData.member.${String(index + 1)}`, datum })
  })
  input.EntityMetricData?.forEach((entry, entryIndex) => {
    entry.MetricData?.forEach((datum, index) => {
      data.push({
        path: `EntityMetricData.member.${String(entryIndex + 1)}.MetricData.member.${String(index + 1)}`,
        datum,
      })
    })
  })
  if (data.length === 0) throw MissingRequiredParameterException('The parameter MetricData is required.')
  if (data.length > MAX_DATA_PER_REQUEST) {
    throw InvalidParameterValueException(
      `The collection MetricData must not contain more than ${String(MAX_DATA_PER_REQUEST)} items.`,
    )
  }
  for (const { path, datum } of data) {
    const error = datumError(path, datum)
    if (error !== undefined) throw error
  }
  return data
}

function datumError(path: string, datum: MetricDatum): AwsError | undefined {
  const { Value, Values, Counts, StatisticValues } = datum
  const hasValues = Values !== undefined && Values.length > 0
  if (Value !== undefined && hasValues) return mutuallyExclusive(path, 'Value', 'Values')
  if (Value !== undefined && StatisticValues !== undefined) {
    return mutuallyExclusive(path, 'Value', 'StatisticValues')
  }
  if (Value === undefined && !hasValues && StatisticValues === undefined) {
    return MissingRequiredParameterException(
      `At least one of the parameters ${path}.Value or ${path}.StatisticValues must be specified.`,
    )
  }
  if (Value !== undefined && !acceptable(Value)) return invalidValue(Value, `${path}.Value`)
  if (hasValues) {
    if (Counts !== undefined && Counts.length > 0 && Counts.length !== Values.length) {
      return InvalidParameterValueException(
        `The parameters ${path}.Values and ${path}.Counts must be of the same size.`,
      )
    }
    if (Values.length > MAX_VALUES_PER_DATUM) {
      return InvalidParameterValueException(
        `The collection ${path}.Values must not contain more than ${String(MAX_VALUES_PER_DATUM)} items.`,
      )
    }
    const value = Values.find((item) => !acceptable(item))
    if (value !== undefined) return invalidValue(value, `${path}.Values`)
    const count = Counts?.find((item) => !acceptable(item) || item < 0)
    if (count !== undefined) return invalidValue(count, `${path}.Counts`)
  }
  if (StatisticValues !== undefined) return statisticSetError(`${path}.StatisticValues`, StatisticValues)
  const resolution = datum.StorageResolution
  if (resolution !== undefined && resolution !== 1 && resolution !== 60) {
    // An integer member: Java prints it without a fraction.
    return InvalidParameterValueException(
      `The value ${String(resolution)} for parameter ${path}.StorageResolution is invalid.`,
    )
  }
  return undefined
}

function statisticSetError(path: string, set: StatisticSet): AwsError | undefined {
  for (const member of ['SampleCount', 'Sum', 'Minimum', 'Maximum'] as const) {
    const value = set[member] as number
    if (!acceptable(value)) return invalidValue(value, `${path}.${member}`)
  }
  if ((set.SampleCount as number) <= 0) {
    return InvalidParameterValueException(`The parameter ${path}.SampleCount must be greater than 0.`)
  }
  if ((set.Maximum as number) < (set.Minimum as number)) {
    return InvalidParameterValueException(
      `The parameter ${path}.Maximum must be greater than ${path}.Minimum.`,
    )
  }
  return undefined
}

/** Finite and within ±2^360 (NaN and the infinities are refused). */
function acceptable(value: number): boolean {
  return Number.isFinite(value) && Math.abs(value) <= LARGEST_VALUE
}

function mutuallyExclusive(path: string, first: string, second: string): AwsError {
  return InvalidParameterCombinationException(
    `The parameters ${path}.${first} and ${path}.${second} are mutually exclusive and you have specified both.`,
  )
}

function invalidValue(value: number, parameter: string): AwsError {
  return InvalidParameterValueException(
    `The value ${javaDouble(value)} for parameter ${parameter} is invalid.`,
  )
}

/** A double as Java's Double.toString prints it: `1.5`, `60.0`, `1.0E200`, `NaN`, `-Infinity`. */
export function javaDouble(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  const magnitude = Math.abs(value)
  if (magnitude === 0 || (magnitude >= 1e-3 && magnitude < 1e7)) {
    const text = String(value)
    return text.includes('.') || text.includes('e') ? text : `${text}.0`
  }
  const [mantissa = '', exponent = ''] = value.toExponential().split('e')
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`
}
