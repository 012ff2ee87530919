import { describe, expect, it } from 'vitest'

import { splitDelimited, splitJsonObjects } from './record-deaggregation.ts'

const text = (parts: Buffer[] | undefined): string[] | undefined => parts?.map((part) => part.toString())

describe('RecordDeAggregation JSON', () => {
  it('splits concatenated objects and newline-delimited objects', () => {
    expect(text(splitJsonObjects(Buffer.from('{"a":1}{"a":2}')))).toEqual(['{"a":1}', '{"a":2}'])
    expect(text(splitJsonObjects(Buffer.from('{"a":1}\n{"a":2}\n')))).toEqual(['{"a":1}', '{"a":2}'])
  })

  it('keeps braces and quotes inside strings and nested values', () => {
    const data = '{"s":"}{\\"","n":{"x":[1,{"y":2}]}} {"t":"\\\\"}'
    expect(text(splitJsonObjects(Buffer.from(data)))).toEqual([
      '{"s":"}{\\"","n":{"x":[1,{"y":2}]}}',
      '{"t":"\\\\"}',
    ])
  })

  it('does not split an array of objects, text that is not objects, or an unterminated object', () => {
    expect(splitJsonObjects(Buffer.from('[{"a":1},{"a":2}]'))).toBeUndefined()
    expect(splitJsonObjects(Buffer.from('plain text'))).toBeUndefined()
    expect(splitJsonObjects(Buffer.from('{"a":1}{"a":'))).toBeUndefined()
    expect(splitJsonObjects(Buffer.from('   '))).toBeUndefined()
  })
})

describe('RecordDeAggregation DELIMITED', () => {
  it('splits on the delimiter; a trailing delimiter ends the last part', () => {
    const delimiter = Buffer.from('IyMjIw==', 'base64') // ####
    expect(text(splitDelimited(Buffer.from('a####b####c'), delimiter))).toEqual(['a', 'b', 'c'])
    expect(text(splitDelimited(Buffer.from('a####b####'), delimiter))).toEqual(['a', 'b'])
    expect(text(splitDelimited(Buffer.from('a########b'), delimiter))).toEqual(['a', '', 'b'])
    expect(text(splitDelimited(Buffer.from('no delimiter'), delimiter))).toEqual(['no delimiter'])
    expect(text(splitDelimited(Buffer.from(''), delimiter))).toEqual([''])
  })
})
