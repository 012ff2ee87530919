import { describe, expect, it } from 'vitest'

import { newExtendedRequestId, newRequestId } from './request-id.ts'

describe('request ids', () => {
  it('gives UUIDs as request ids', () => {
    expect(newRequestId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  it('gives 72-byte base64 extended ids, all different, across refills of the random pool', () => {
    const ids = Array.from({ length: 1000 }, () => newExtendedRequestId())
    for (const id of ids) expect(Buffer.from(id, 'base64')).toHaveLength(72)
    expect(ids.every((id) => /^[A-Za-z0-9+/]{96}$/.test(id))).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
  })
})
