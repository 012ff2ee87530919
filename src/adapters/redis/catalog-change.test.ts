import { describe, expect, it } from 'vitest'

import { decodeCatalogChange, encodeCatalogChange, type CatalogChange } from './catalog-change.ts'

describe('catalog change notices', () => {
  const change: CatalogChange = {
    kind: 'updated',
    accountId: '123456789012',
    region: 'us-east-1',
    streamName: 'orders',
    version: 7,
  }

  it('decode what they encode', () => {
    for (const kind of ['created', 'updated', 'removed'] as const) {
      expect(decodeCatalogChange(encodeCatalogChange({ ...change, kind }))).toEqual({ ...change, kind })
    }
  })

  it('carry nothing but the change', () => {
    const withExtra = { ...change, doc: '{}' } as CatalogChange
    expect(JSON.parse(encodeCatalogChange(withExtra))).toEqual(change)
  })

  it('reject messages that are not a change', () => {
    const { version: _version, ...withoutVersion } = change
    for (const message of [
      'not json',
      'null',
      '[]',
      '42',
      JSON.stringify({ ...change, kind: 'renamed' }),
      JSON.stringify({ ...change, version: '7' }),
      JSON.stringify(withoutVersion),
    ]) {
      expect(decodeCatalogChange(message)).toBeUndefined()
    }
  })
})
