import { AwsError } from '../aws/index.ts'

// The errors of the CloudWatch model that PutMetricData raises (all 400). CloudWatch is query-compatible: the
// query protocol names them by their query code, which JSON and CBOR answers carry in `x-amzn-query-error`.

export function InvalidParameterValueException(message: string): AwsError {
  return new AwsError('InvalidParameterValueException', message, 400, { queryCode: 'InvalidParameterValue' })
}

export function MissingRequiredParameterException(message: string): AwsError {
  return new AwsError('MissingRequiredParameterException', message, 400, { queryCode: 'MissingParameter' })
}

export function InvalidParameterCombinationException(message: string): AwsError {
  return new AwsError('InvalidParameterCombinationException', message, 400, {
    queryCode: 'InvalidParameterCombination',
  })
}
