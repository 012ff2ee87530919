/**
 * RecordDeAggregation: one record carrying several JSON objects (`{"a":1}{"a":2}` or one per line) or several
 * delimited records becomes one record per object or per delimited part.
 */

/**
 * The JSON objects concatenated in `data`, each as its bytes; undefined when `data` is not a sequence of
 * JSON objects separated by nothing but whitespace (it is then delivered whole).
 */
export function splitJsonObjects(data: Buffer): Buffer[] | undefined {
  const objects: Buffer[] = []
  let offset = skipWhitespace(data, 0)
  while (offset < data.length) {
    if (data[offset] !== OPEN_BRACE) return undefined
    const end = objectEnd(data, offset)
    if (end === undefined) return undefined
    objects.push(data.subarray(offset, end))
    offset = skipWhitespace(data, end)
  }
  return objects.length === 0 ? undefined : objects
}

/** The parts of `data` between occurrences of `delimiter`; a trailing delimiter ends the last part. */
export function splitDelimited(data: Buffer, delimiter: Buffer): Buffer[] {
  const parts: Buffer[] = []
  let start = 0
  for (;;) {
    const at = data.indexOf(delimiter, start)
    if (at === -1) break
    parts.push(data.subarray(start, at))
    start = at + delimiter.length
  }
  if (start < data.length || parts.length === 0) parts.push(data.subarray(start))
  return parts
}

const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const QUOTE = 0x22
const BACKSLASH = 0x5c

/** The offset just past the object that opens at `start`, by bracket depth outside strings. */
function objectEnd(data: Buffer, start: number): number | undefined {
  let depth = 0
  let inString = false
  for (let i = start; i < data.length; i++) {
    const byte = data[i]
    if (inString) {
      if (byte === BACKSLASH) i++
      else if (byte === QUOTE) inString = false
      continue
    }
    if (byte === QUOTE) inString = true
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++
    else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--
      if (depth === 0) return i + 1
    }
  }
  return undefined
}

function skipWhitespace(data: Buffer, offset: number): number {
  let at = offset
  while (
    at < data.length &&
    (data[at] === 0x20 || data[at] === 0x0a || data[at] === 0x0d || data[at] === 0x09)
  )
    at++
  return at
}
