import { describe, expect, it } from 'vitest'

import { CatalogKeys } from './catalog-keys.ts'

describe('CatalogKeys', () => {
  const stream = { accountId: '123456789012', region: 'us-east-1', streamName: 'orders' }

  it('names the stream hash, the name index and the change channel under the default prefix', () => {
    const keys = new CatalogKeys()
    expect(keys.stream(stream)).toBe('kinesis:123456789012:us-east-1:stream:orders')
    expect(keys.streamNames(stream)).toBe('kinesis:123456789012:us-east-1:streams')
    expect(keys.changes()).toBe('kinesis:catalog-changes')
  })

  it('starts every name with the configured prefix', () => {
    const keys = new CatalogKeys('staging:')
    expect(keys.stream(stream)).toBe('staging:123456789012:us-east-1:stream:orders')
    expect(keys.streamNames(stream)).toBe('staging:123456789012:us-east-1:streams')
    expect(keys.changes()).toBe('staging:catalog-changes')
  })

  it('gives each account and region keys of its own', () => {
    const keys = new CatalogKeys()
    const names = new Set(
      [
        stream,
        { ...stream, accountId: '210987654321' },
        { ...stream, region: 'eu-west-1' },
        { ...stream, streamName: 's' },
      ].flatMap((key) => [keys.stream(key), keys.streamNames(key)]),
    )
    expect(names.size).toBe(7)
  })
})
