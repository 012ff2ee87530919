import { SerializationException, type WireProtocol } from '../../aws/index.ts'
import { decodeBase64Blob } from './base64.ts'
import type { ProtocolCodec } from './codec.ts'
import { readJsonInput } from './json-input-reader.ts'
import { encodeJson, encodeJsonChunks } from './json-writer.ts'
import { readInput, type WireScalars } from './read-input.ts'

export const AWS_JSON_1_0 = 'application/x-amz-json-1.0'
export const AWS_JSON_1_1 = 'application/x-amz-json-1.1'

/**
 * AWS JSON 1.0 and 1.1 (they differ only in how errors are named, which a service decides): blobs are base64
 * strings, timestamps are epoch seconds (with a fraction for milliseconds).
 */
export function awsJsonCodec(
  contentType: string = AWS_JSON_1_1,
  protocols: readonly WireProtocol[] = ['aws-json-1.1'],
): ProtocolCodec {
  return {
    contentType,
    protocols,
    routing: 'target',
    parse: parseJson,
    readInput: (document, shape) => readInput(document, shape, JSON_SCALARS),
    readInputFromBody: (body, shape) => readJsonInput(body, shape, JSON_SCALARS),
    encode: (value) => (value === undefined ? EMPTY : encodeJson(value)),
    encodeChunks: (value) => (value === undefined ? [EMPTY] : encodeJsonChunks(value)),
  }
}

const EMPTY = Buffer.alloc(0)

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    throw SerializationException()
  }
}

const JSON_SCALARS: WireScalars = {
  blob: (value) => (typeof value === 'string' ? decodeBase64Blob(value) : undefined),
  timestamp: (value) => (typeof value === 'number' ? new Date(Math.round(value * 1000)) : undefined),
}
