import { describe, expect, it } from 'vitest'
import { callerOf, credentialScopeOf } from './auth.ts'

const defaults = { defaultAccountId: '000000000000', defaultRegion: 'us-east-1' }

function authorization(credential: string): { authorization: string } {
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=host;x-amz-date, Signature=abcdef`,
  }
}

describe('credential scope', () => {
  it('is read from the Authorization header', () => {
    expect(
      credentialScopeOf(authorization('AKIDEXAMPLE/20250101/eu-west-1/kinesis/aws4_request'), '/'),
    ).toEqual({
      accessKeyId: 'AKIDEXAMPLE',
      date: '20250101',
      region: 'eu-west-1',
      service: 'kinesis',
    })
  })

  it('is read from a presigned URL', () => {
    const url =
      '/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20250101%2Fap-south-1%2Fkinesis%2Faws4_request'
    expect(credentialScopeOf({}, url)?.region).toBe('ap-south-1')
  })

  it('is absent when there is no credential or it is malformed', () => {
    expect(credentialScopeOf({}, '/')).toBeUndefined()
    expect(credentialScopeOf({ authorization: 'Bearer token' }, '/')).toBeUndefined()
    expect(credentialScopeOf(authorization('AKID/20250101/us-east-1'), '/')).toBeUndefined()
    expect(credentialScopeOf(authorization('/20250101/us-east-1/kinesis/aws4_request'), '/')).toBeUndefined()
  })
})

describe('caller', () => {
  it('takes an access key id of 12 digits as the account id, and the region from the scope', () => {
    const scope = { accessKeyId: '123456789012', date: '20250101', region: 'eu-west-1', service: 'kinesis' }
    expect(callerOf(scope, defaults)).toEqual({
      accountId: '123456789012',
      region: 'eu-west-1',
      accessKeyId: '123456789012',
    })
  })

  it('acts in the default account for other access keys', () => {
    const scope = { accessKeyId: 'AKIDEXAMPLE', date: '20250101', region: 'eu-west-1', service: 'kinesis' }
    expect(callerOf(scope, defaults).accountId).toBe('000000000000')
    expect(callerOf({ ...scope, accessKeyId: '1234567890123' }, defaults).accountId).toBe('000000000000')
  })

  it('falls back to the defaults without a credential', () => {
    expect(callerOf(undefined, defaults)).toEqual({
      accountId: '000000000000',
      region: 'us-east-1',
      accessKeyId: undefined,
    })
  })
})
