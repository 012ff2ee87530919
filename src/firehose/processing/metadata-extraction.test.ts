import { describe, expect, it } from 'vitest'

import { createKeyExtractor } from './metadata-extraction.ts'

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value))

describe('MetadataExtraction with jq', () => {
  it("evaluates AWS's example query, record by record, in one batch", async () => {
    const extract = createKeyExtractor('{"key1":.foo,"key2":.bar.baz|ascii_upcase}')
    const results = await extract([
      json({ foo: 'a', bar: { baz: 'xy' } }),
      json({ foo: 'b', bar: { baz: 'zz' }, other: [1, 2] }),
    ])
    expect(results).toEqual([{ keys: { key1: 'a', key2: 'XY' } }, { keys: { key1: 'b', key2: 'ZZ' } }])
  })

  it('fails the records whose keys cannot be evaluated, and only those', async () => {
    const extract = createKeyExtractor('{"key1":.foo,"key2":.bar.baz|ascii_upcase}')
    const results = await extract([
      json({ foo: 'a', bar: { baz: 'xy' } }),
      json({ foo: 'c' }),
      Buffer.from('not json'),
      json({ foo: null, bar: { baz: 'q' } }),
      json({ foo: 'd', bar: { baz: 'w' } }),
    ])
    expect(results[0]).toEqual({ keys: { key1: 'a', key2: 'XY' } })
    expect(results[1]).toMatchObject({
      errorCode: 'DynamicPartitioning.MetadataExtractionFailed',
      errorMessage: expect.stringContaining('explode input must be a string') as unknown,
    })
    expect(results[2]).toEqual({
      errorCode: 'DynamicPartitioning.MetadataExtractionFailed',
      errorMessage: 'Non JSON record provided',
    })
    expect(results[3]).toMatchObject({ errorMessage: expect.stringContaining('key1') as unknown })
    expect(results[4]).toEqual({ keys: { key1: 'd', key2: 'W' } })
  })

  it('turns numbers and booleans into their text, and refuses a result that is not one object', async () => {
    expect(await createKeyExtractor('{"year":.y,"ok":.b}')([json({ y: 2026, b: true })])).toEqual([
      { keys: { year: '2026', ok: 'true' } },
    ])
    const [many] = await createKeyExtractor('.[]')([json([{ a: '1' }, { a: '2' }])])
    expect(many).toMatchObject({ errorMessage: expect.stringContaining('2 values') as unknown })
    const [scalar] = await createKeyExtractor('.a')([json({ a: 'x' })])
    expect(scalar).toMatchObject({ errorMessage: expect.stringContaining('JSON object') as unknown })
  })

  it('fails every record with the compile error of a query jq cannot compile', async () => {
    const results = await createKeyExtractor('{"k":.foo')([json({ foo: 1 }), json({ foo: 2 })])
    expect(results).toHaveLength(2)
    for (const result of results)
      expect(result).toMatchObject({ errorMessage: expect.stringContaining('syntax error') as unknown })
  })

  it('keeps answers in line with records that span several lines', async () => {
    const results = await createKeyExtractor('{"k":.k}')([
      Buffer.from('{\n  "k": "one"\n}'),
      json({ k: 'two' }),
    ])
    expect(results).toEqual([{ keys: { k: 'one' } }, { keys: { k: 'two' } }])
  })
})
