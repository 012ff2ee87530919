import { SerializationException } from '../../aws/index.ts'
import { writeBase64 } from './buffer-text.ts'

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
/** A character outside the alphabet, or padding followed by anything but padding. */
const INVALID_CHARACTER = /[^A-Za-z0-9+/=]|=[^=]/

/**
 * Decodes a base64 blob member of a JSON request. Unlike Buffer.from (which skips what it does not understand),
 * malformed text is rejected, with the messages AWS uses for Kinesis.
 */
export function decodeBase64Blob(text: string): Buffer {
  const bytes = Buffer.from(text, 'base64')
  if (isCanonical(text, bytes.length)) return bytes
  throw SerializationException(`'${text}' can not be converted to a Blob: ${whyNotCanonical(text)}`)
}

/**
 * Decodes canonical base64 `text` into `target` from `offset` (which has room for text.length * 3 / 4 bytes) and
 * returns those bytes; undefined when the text is not canonical, which decodeBase64Blob words as an error. Lets
 * a request's blobs share one buffer instead of one allocation each.
 */
export function decodeCanonicalBase64Into(text: string, target: Buffer, offset: number): Buffer | undefined {
  if (text.length % 4 !== 0) return undefined
  const length = (text.length / 4) * 3 - paddingOf(text)
  const written = writeBase64(target, text, offset, length)
  return isCanonical(text, written) ? target.subarray(offset, offset + length) : undefined
}

/**
 * Cheap on large blobs: Buffer.from skips characters outside the alphabet (and stops at misplaced padding), so
 * a result of the full length proves there were none, except the URL-safe '-' and '_' it also accepts.
 */
function isCanonical(text: string, decodedLength: number): boolean {
  if (text.length % 4 !== 0) return false
  const padding = paddingOf(text)
  return (
    decodedLength === (text.length / 4) * 3 - padding &&
    !text.includes('-') &&
    !text.includes('_') &&
    hasCleanTail(text, padding)
  )
}

function whyNotCanonical(text: string): string {
  if (text.length % 4 !== 0) {
    return `Base64 encoded length is expected a multiple of 4 bytes but found: ${text.length}`
  }
  const invalid = INVALID_CHARACTER.exec(text)
  if (invalid !== null) return `Invalid Base64 character: '${invalid[0].charAt(0)}'`
  return 'Invalid last non-pad Base64 character dectected'
}

function paddingOf(text: string): number {
  return text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
}

/** The last data character before padding must not carry bits beyond the encoded bytes. */
function hasCleanTail(text: string, padding: number): boolean {
  if (padding === 0) return true
  if (text.length < 4 || text.charAt(text.length - 3) === '=') return false
  const lastData = BASE64_ALPHABET.indexOf(text.charAt(text.length - 1 - padding))
  const unusedBits = padding === 2 ? 0b1111 : 0b11
  return (lastData & unusedBits) === 0
}
