import { describe, expect, it } from 'vitest'

import { getCallerIdentity } from './get-caller-identity.ts'

const context = { requestId: 'r', accessKeyId: undefined }

describe('GetCallerIdentity', () => {
  it("answers the request's account as its root user, in the region's partition", async () => {
    const operation = getCallerIdentity()
    expect(
      await operation.handle({}, { ...context, accountId: '123456789012', region: 'us-east-1' }),
    ).toEqual({
      UserId: '123456789012',
      Account: '123456789012',
      Arn: 'arn:aws:iam::123456789012:root',
    })
    expect(
      await operation.handle({}, { ...context, accountId: '210987654321', region: 'us-gov-west-1' }),
    ).toEqual({
      UserId: '210987654321',
      Account: '210987654321',
      Arn: 'arn:aws-us-gov:iam::210987654321:root',
    })
  })
})
