import type { PutMetricDataInput } from '@aws-sdk/client-cloudwatch'
import { describe, expect, it } from 'vitest'
import { AwsError } from '../../aws/index.ts'
import type { MetricObservation } from '../../ports/metric-sink.ts'
import { javaDouble } from '../metric-data/checks.ts'
import { putMetricData } from './put-metric-data.ts'

const CONTEXT = { requestId: 'r', accountId: '123456789012', region: 'eu-west-1', accessKeyId: undefined }

function setUp() {
  const recorded: MetricObservation[][] = []
  const operation = putMetricData({ metrics: { record: (observations) => recorded.push([...observations]) } })
  return { recorded, put: (input: PutMetricDataInput) => operation.handle(input, CONTEXT) }
}

async function failure(promise: Promise<unknown>): Promise<AwsError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof AwsError) return error
    throw error
  }
  throw new Error('expected an AwsError')
}

describe('PutMetricData', () => {
  it('reduces every form of datum to a statistic set', async () => {
    const { put, recorded } = setUp()
    await put({
      Namespace: 'probe-app',
      MetricData: [
        {
          MetricName: 'RecordsProcessed',
          Dimensions: [{ Name: 'ShardId', Value: 'shardId-000000000000' }],
          Value: 42,
          Unit: 'Count',
        },
        { MetricName: 'Time', Values: [1.5, 4, 10], Counts: [2, 1, 3], Unit: 'Milliseconds' },
        { MetricName: 'Bytes', Values: [3, 5] },
        { MetricName: 'Latency', StatisticValues: { SampleCount: 4, Sum: 10.5, Minimum: 0.5, Maximum: 5 } },
      ],
      EntityMetricData: [
        {
          Entity: { KeyAttributes: { Type: 'Service', Name: 'probe' } },
          MetricData: [{ MetricName: 'Success', Value: 1, Unit: 'Count' }],
        },
      ],
    })
    const base = { namespace: 'probe-app', dimensions: [] }
    expect(recorded).toEqual([
      [
        {
          ...base,
          metricName: 'RecordsProcessed',
          dimensions: [{ name: 'ShardId', value: 'shardId-000000000000' }],
          unit: 'Count',
          sampleCount: 1,
          sum: 42,
          minimum: 42,
          maximum: 42,
        },
        {
          ...base,
          metricName: 'Time',
          unit: 'Milliseconds',
          sampleCount: 6,
          sum: 37,
          minimum: 1.5,
          maximum: 10,
        },
        { ...base, metricName: 'Bytes', unit: 'None', sampleCount: 2, sum: 8, minimum: 3, maximum: 5 },
        { ...base, metricName: 'Latency', unit: 'None', sampleCount: 4, sum: 10.5, minimum: 0.5, maximum: 5 },
        { ...base, metricName: 'Success', unit: 'Count', sampleCount: 1, sum: 1, minimum: 1, maximum: 1 },
      ],
    ])
  })

  it('takes StatisticValues over Values when both come, as CloudWatch accepts them together', async () => {
    const { put, recorded } = setUp()
    await put({
      Namespace: 'app',
      MetricData: [
        {
          MetricName: 'M',
          Values: [1, 10],
          StatisticValues: { SampleCount: 10, Sum: 55, Minimum: 1, Maximum: 10 },
        },
      ],
    })
    expect(recorded[0]?.[0]).toMatchObject({ sampleCount: 10, sum: 55, minimum: 1, maximum: 10 })
  })

  const P = 'MetricData.member.2'
  it.each<[string, PutMetricDataInput, string, string, string]>([
    [
      'a namespace of AWS',
      { Namespace: 'AWS/Kinesis', MetricData: [{ MetricName: 'M', Value: 1 }] },
      'InvalidParameterValueException',
      'InvalidParameterValue',
      'The value AWS/ for parameter Namespace is invalid.',
    ],
    [
      'no metric data',
      { Namespace: 'app' },
      'MissingRequiredParameterException',
      'MissingParameter',
      'The parameter MetricData is required.',
    ],
    [
      'Value with Values',
      {
        Namespace: 'app',
        MetricData: [
          { MetricName: 'M', Value: 1 },
          { MetricName: 'M', Value: 1.5, Values: [1, 10] },
        ],
      },
      'InvalidParameterCombinationException',
      'InvalidParameterCombination',
      `The parameters ${P}.Value and ${P}.Values are mutually exclusive and you have specified both.`,
    ],
    [
      'Value with StatisticValues',
      {
        Namespace: 'app',
        MetricData: [
          { MetricName: 'M', Value: 1 },
          {
            MetricName: 'M',
            Value: 1.5,
            StatisticValues: { SampleCount: 10, Sum: 55, Minimum: 1, Maximum: 10 },
          },
        ],
      },
      'InvalidParameterCombinationException',
      'InvalidParameterCombination',
      `The parameters ${P}.Value and ${P}.StatisticValues are mutually exclusive and you have specified both.`,
    ],
    [
      'Values and Counts of different sizes',
      {
        Namespace: 'app',
        MetricData: [
          { MetricName: 'M', Value: 1 },
          { MetricName: 'M', Values: [1, 10], Counts: [2, 4, 5] },
        ],
      },
      'InvalidParameterValueException',
      'InvalidParameterValue',
      `The parameters ${P}.Values and ${P}.Counts must be of the same size.`,
    ],
    [
      'no value at all',
      { Namespace: 'app', MetricData: [{ MetricName: 'M', Value: 1 }, { MetricName: 'M' }] },
      'MissingRequiredParameterException',
      'MissingParameter',
      `At least one of the parameters ${P}.Value or ${P}.StatisticValues must be specified.`,
    ],
    [
      'a NaN value',
      {
        Namespace: 'app',
        MetricData: [
          { MetricName: 'M', Value: 1 },
          { MetricName: 'M', Value: NaN },
        ],
      },
      'InvalidParameterValueException',
      'InvalidParameterValue',
      `The value NaN for parameter ${P}.Value is invalid.`,
    ],
    [
      'a value beyond 2^360',
      {
        Namespace: 'app',
        MetricData: [
          { MetricName: 'M', Value: 1 },
          { MetricName: 'M', Values: [1, -1e200] },
        ],
      },
      'InvalidParameterValueException',
      'InvalidParameterValue',
      `The value -1.0E200 for parameter ${P}.Values is invalid.`,
    ],
    [
      'more than 150 values',
      {
        Namespace: 'app',
        MetricData: [
          { MetricName: 'M', Value: 1 },
          { MetricName: 'M', Values: Array.from({ length: 151 }, (_, i) => i) },
        ],
      },
      'InvalidParameterValueException',
      'InvalidParameterValue',
      `The collection ${P}.Values must not contain more than 150 items.`,
    ],
    [
      'a maximum below the minimum',
      {
        Namespace: 'app',
        MetricData: [
          { MetricName: 'M', Value: 1 },
          { MetricName: 'M', StatisticValues: { SampleCount: 2, Sum: 3, Minimum: 2, Maximum: 1 } },
        ],
      },
      'InvalidParameterValueException',
      'InvalidParameterValue',
      `The parameter ${P}.StatisticValues.Maximum must be greater than ${P}.StatisticValues.Minimum.`,
    ],
    [
      'an infinite sum',
      {
        Namespace: 'app',
        MetricData: [
          { MetricName: 'M', Value: 1 },
          { MetricName: 'M', StatisticValues: { SampleCount: 2, Sum: Infinity, Minimum: 1, Maximum: 2 } },
        ],
      },
      'InvalidParameterValueException',
      'InvalidParameterValue',
      `The value Infinity for parameter ${P}.StatisticValues.Sum is invalid.`,
    ],
    [
      'no samples',
      {
        Namespace: 'app',
        MetricData: [
          { MetricName: 'M', Value: 1 },
          { MetricName: 'M', StatisticValues: { SampleCount: 0, Sum: 0, Minimum: 0, Maximum: 0 } },
        ],
      },
      'InvalidParameterValueException',
      'InvalidParameterValue',
      `The parameter ${P}.StatisticValues.SampleCount must be greater than 0.`,
    ],
    [
      'a storage resolution other than 1 or 60',
      {
        Namespace: 'app',
        MetricData: [
          { MetricName: 'M', Value: 1 },
          { MetricName: 'M', Value: 1, StorageResolution: 5 },
        ],
      },
      'InvalidParameterValueException',
      'InvalidParameterValue',
      `The value 5 for parameter ${P}.StorageResolution is invalid.`,
    ],
    [
      'a bad datum of an entity',
      {
        Namespace: 'app',
        EntityMetricData: [{ MetricData: [] }, { MetricData: [{ MetricName: 'M', Value: 1, Values: [1] }] }],
      },
      'InvalidParameterCombinationException',
      'InvalidParameterCombination',
      'The parameters EntityMetricData.member.2.MetricData.member.1.Value and ' +
        'EntityMetricData.member.2.MetricData.member.1.Values are mutually exclusive and you have specified both.',
    ],
  ])('refuses %s, recording nothing', async (_case, input, type, queryCode, message) => {
    const { put, recorded } = setUp()
    const error = await failure(put(input))
    expect([error.type, error.queryCode, error.status, error.message]).toEqual([
      type,
      queryCode,
      400,
      message,
    ])
    expect(recorded).toEqual([])
  })

  it('refuses more than 1000 data in MetricData and EntityMetricData together', async () => {
    const { put } = setUp()
    const datum = { MetricName: 'M', Value: 1 }
    await put({ Namespace: 'app', MetricData: Array.from({ length: 1000 }, () => datum) })
    const error = await failure(
      put({
        Namespace: 'app',
        MetricData: Array.from({ length: 999 }, () => datum),
        EntityMetricData: [{ MetricData: [datum, datum] }],
      }),
    )
    expect([error.type, error.message]).toEqual([
      'InvalidParameterValueException',
      'The collection MetricData must not contain more than 1000 items.',
    ])
  })

  it('checks the model constraints first, as a ValidationException', async () => {
    const { put } = setUp()
    const error = await failure(
      put({
        Namespace: ':app',
        MetricData: [{ MetricName: 'M', Value: 1, Dimensions: [{ Name: '', Value: 'v' }] }],
      }),
    )
    expect(error.type).toBe('ValidationException')
    expect(error.message).toBe(
      "2 validation errors detected: Value ':app' at 'namespace' failed to satisfy constraint: Member must satisfy " +
        "regular expression pattern: [^:].*; Value '' at 'metricData.1.member.dimensions.1.member.name' failed to " +
        'satisfy constraint: Member must have length greater than or equal to 1',
    )
  })
})

describe('javaDouble', () => {
  it.each([
    [1.5, '1.5'],
    [60, '60.0'],
    [0, '0.0'],
    [1e200, '1.0E200'],
    [-2.5e-7, '-2.5E-7'],
    [1.2345e7, '1.2345E7'],
    [NaN, 'NaN'],
    [-Infinity, '-Infinity'],
  ])('prints %d as Java does: %s', (value, text) => {
    expect(javaDouble(value)).toBe(text)
  })
})
