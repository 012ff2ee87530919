import { SerializationException } from '../../aws/index.ts'
import { decodeBase64Blob } from './base64.ts'
import { decodeCbor } from './cbor-reader.ts'
import { encodeCbor, encodeCborChunks } from './cbor-writer.ts'
import type { ProtocolCodec } from './codec.ts'
import { readInput, type WireScalars } from './read-input.ts'

export const AWS_CBOR_1_1 = 'application/x-amz-cbor-1.1'

/**
 * AWS CBOR 1.1 (what the Java SDKs, and so the KCL, speak to Kinesis by default): the JSON 1.1 documents in CBOR,
 * blobs as byte strings, timestamps as tag 1 holding epoch milliseconds.
 */
export function awsCborCodec(): ProtocolCodec {
  return {
    contentType: AWS_CBOR_1_1,
    protocols: ['aws-cbor-1.1'],
    routing: 'target',
    parse: parseCbor,
    readInput: (document, shape) => readInput(document, shape, CBOR_SCALARS),
    encode: (value) => (value === undefined ? EMPTY : encodeCbor(value)),
    encodeChunks: (value) => (value === undefined ? [EMPTY] : encodeCborChunks(value)),
  }
}

const EMPTY = Buffer.alloc(0)

function parseCbor(body: Buffer): unknown {
  if (body.length === 0) throw SerializationException()
  try {
    return decodeCbor(body)
  } catch {
    throw SerializationException()
  }
}

const CBOR_SCALARS: WireScalars = {
  blob(value) {
    if (value instanceof Uint8Array) return value
    return typeof value === 'string' ? decodeBase64Blob(value) : undefined
  },
  timestamp(value) {
    if (typeof value === 'number') return new Date(value)
    // Tag 1 arrives as a Date already (epoch milliseconds, as AWS CBOR 1.1 writes it).
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value
    return undefined
  },
}
