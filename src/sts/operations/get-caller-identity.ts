import type { GetCallerIdentityResponse } from '@aws-sdk/client-sts'
import { defineOperation, type Operation } from '../../aws/index.ts'
import { partitionOfRegion } from '../../mapping/arns.ts'

/**
 * GetCallerIdentity: the account the gateway took the request for (the 12-digit access key id, else the default
 * account), as the account's root user. The Kinesis Producer Library asks it once to build the stream ARNs it
 * sends with its requests.
 */
export function getCallerIdentity(): Operation<object, GetCallerIdentityResponse> {
  return defineOperation({
    name: 'GetCallerIdentity',
    input: {},
    handle(_input, context) {
      return Promise.resolve({
        UserId: context.accountId,
        Account: context.accountId,
        Arn: `arn:${partitionOfRegion(context.region)}:iam::${context.accountId}:root`,
      })
    },
  })
}
