import { defineService, type Service } from '../aws/index.ts'
import { getCallerIdentity } from './operations/get-caller-identity.ts'

/**
 * AWS STS as clients reach it in AWS query (`Action=GetCallerIdentity&Version=2011-06-15`), the protocol of its
 * model and of every SDK (the AWS SDK for C++ inside the Kinesis Producer Library among them).
 */
export const STS_ENDPOINT = {
  name: 'AWSSecurityTokenServiceV20110615',
  signingName: 'sts',
  protocols: ['aws-query'],
  query: { version: '2011-06-15', xmlNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/' },
} as const

export function createStsService(): Service {
  return defineService({ ...STS_ENDPOINT, operations: [getCallerIdentity()] })
}
