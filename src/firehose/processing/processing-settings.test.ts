import type { ProcessingConfiguration } from '@aws-sdk/client-firehose'
import { describe, expect, it } from 'vitest'

import { processingConfigurationViolation, processingSettings } from './processing-settings.ts'

function processing(...processors: [string, Record<string, string>][]): ProcessingConfiguration {
  return {
    Enabled: true,
    Processors: processors.map(([Type, parameters]) => ({
      Type: Type as 'Lambda',
      Parameters: Object.entries(parameters).map(([ParameterName, ParameterValue]) => ({
        ParameterName: ParameterName as 'LambdaArn',
        ParameterValue,
      })),
    })),
  }
}

const LAMBDA_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:transform'
const PARTITIONING = { Enabled: true }
const QUERY = { MetadataExtractionQuery: '{"k":.k}', JsonParsingEngine: 'JQ-1.6' }

describe('processingConfigurationViolation', () => {
  it('accepts every processor with valid parameters', () => {
    const config = processing(
      ['RecordDeAggregation', { SubRecordType: 'DELIMITED', Delimiter: 'IyMjIw==' }],
      ['Decompression', { CompressionFormat: 'GZIP' }],
      ['CloudWatchLogProcessing', { DataMessageExtraction: 'true' }],
      [
        'Lambda',
        {
          LambdaArn: LAMBDA_ARN,
          NumberOfRetries: '5',
          BufferSizeInMBs: '0.2',
          BufferIntervalInSeconds: '900',
        },
      ],
      ['MetadataExtraction', QUERY],
      ['AppendDelimiterToRecord', {}],
    )
    expect(processingConfigurationViolation(config, PARTITIONING)).toBeUndefined()
    expect(processingConfigurationViolation(undefined)).toBeUndefined()
  })

  it.each([
    [processing(['Bogus', {}]), 'Processor type Bogus is not supported.'],
    [
      processing(['Lambda', { LambdaArn: LAMBDA_ARN }], ['Lambda', { LambdaArn: LAMBDA_ARN }]),
      'Only one processor of type Lambda is supported.',
    ],
    [
      processing(['Lambda', { LambdaArn: LAMBDA_ARN, SubRecordType: 'JSON' }]),
      'Parameter SubRecordType is not supported for processor type Lambda.',
    ],
    [processing(['Lambda', {}]), 'LambdaArn is required for processor type Lambda.'],
    [
      processing(['Lambda', { LambdaArn: 'transform' }]),
      'LambdaArn transform is not a valid Lambda function ARN.',
    ],
    [
      processing(['Lambda', { LambdaArn: LAMBDA_ARN, NumberOfRetries: '301' }]),
      'NumberOfRetries must be an integer between 0 and 300, got 301.',
    ],
    [
      processing(['Lambda', { LambdaArn: LAMBDA_ARN, BufferSizeInMBs: '4' }]),
      'BufferSizeInMBs must be a number between 0.2 and 3, got 4.',
    ],
    [
      processing(['Lambda', { LambdaArn: LAMBDA_ARN, BufferIntervalInSeconds: '59' }]),
      'BufferIntervalInSeconds must be an integer between 60 and 900, got 59.',
    ],
    [
      processing(['MetadataExtraction', { JsonParsingEngine: 'JQ-1.6' }]),
      'MetadataExtractionQuery is required for processor type MetadataExtraction.',
    ],
    [
      processing(['MetadataExtraction', { ...QUERY, JsonParsingEngine: 'JQ-1.7' }]),
      'JsonParsingEngine JQ-1.7 is not supported. Supported value: JQ-1.6.',
    ],
    [
      processing(['RecordDeAggregation', { SubRecordType: 'XML' }]),
      'SubRecordType XML is not supported. Supported values: JSON, DELIMITED.',
    ],
    [
      processing(['RecordDeAggregation', { SubRecordType: 'DELIMITED' }]),
      'Delimiter is required when SubRecordType is DELIMITED.',
    ],
    [
      processing(['RecordDeAggregation', { SubRecordType: 'DELIMITED', Delimiter: '!!' }]),
      'Delimiter !! is not a valid base64-encoded string.',
    ],
    [
      processing(['Decompression', { CompressionFormat: 'ZIP' }]),
      'CompressionFormat ZIP is not supported. Supported value: GZIP.',
    ],
    [
      processing(['CloudWatchLogProcessing', { DataMessageExtraction: 'true' }]),
      'CloudWatchLogProcessing processor requires the Decompression processor.',
    ],
  ])('refuses %j: %s', (config, message) => {
    expect(processingConfigurationViolation(config, PARTITIONING)).toBe(message)
  })

  it('refuses MetadataExtraction without dynamic partitioning', () => {
    expect(processingConfigurationViolation(processing(['MetadataExtraction', QUERY]))).toBe(
      'MetadataExtraction processor is supported only when dynamic partitioning is enabled.',
    )
  })

  it('refuses a query extracting more than 50 keys', () => {
    const keys = Array.from({ length: 51 }, (_, index) => `"k${index}":.a[${index}]`).join(',')
    const config = processing(['MetadataExtraction', { ...QUERY, MetadataExtractionQuery: `{${keys}}` }])
    expect(processingConfigurationViolation(config, PARTITIONING)).toBe(
      'MetadataExtractionQuery can extract at most 50 keys.',
    )
  })
})

describe('processingSettings', () => {
  it("fills in AWS's Lambda defaults: 3 retries, 1 MB invocations", () => {
    expect(processingSettings(processing(['Lambda', { LambdaArn: LAMBDA_ARN }])).lambda).toEqual({
      lambdaArn: LAMBDA_ARN,
      numberOfRetries: 3,
      bufferSizeBytes: 1024 * 1024,
    })
  })

  it('applies MetadataExtraction only with dynamic partitioning, and nothing when processing is off', () => {
    expect(
      processingSettings(processing(['MetadataExtraction', QUERY]), PARTITIONING).metadataExtractionQuery,
    ).toBe('{"k":.k}')
    expect(
      processingSettings(processing(['MetadataExtraction', QUERY])).metadataExtractionQuery,
    ).toBeUndefined()
    expect(processingSettings({ ...processing(['AppendDelimiterToRecord', {}]), Enabled: false })).toEqual({
      decompression: false,
      dataMessageExtraction: false,
    })
  })
})
