import { SerializationException, type AwsError } from '../../aws/index.ts'
import { CborError, decodeCbor } from './cbor-reader.ts'
import { encodeCbor, encodeCborChunks } from './cbor-writer.ts'
import type { ProtocolCodec } from './codec.ts'
import { readInput, type WireScalars } from './read-input.ts'

export const RPC_V2_CBOR_CONTENT_TYPE = 'application/cbor'
/** The `smithy-protocol` header every RPC v2 CBOR request and response carries. */
export const RPC_V2_CBOR_PROTOCOL = 'rpc-v2-cbor'

/**
 * Smithy RPC v2 CBOR: `POST .../service/<service>/operation/<operation>` with `smithy-protocol: rpc-v2-cbor`.
 * Blobs are byte strings, timestamps tag 1 holding epoch SECONDS (a float for milliseconds), an operation
 * without input may send no body. Errors are the error's members plus `__type`, its shape id: framework errors
 * carry their coral namespace (`com.amazon.coral.validate#ValidationException`); service errors, whose Smithy
 * namespace the kit does not know, carry the bare name, which the SDKs read the same (they keep what follows '#').
 */
export function rpcV2CborCodec(): ProtocolCodec {
  return {
    contentType: RPC_V2_CBOR_CONTENT_TYPE,
    protocols: ['rpc-v2-cbor'],
    routing: 'path',
    responseHeaders: { 'smithy-protocol': RPC_V2_CBOR_PROTOCOL },
    // "Responses for operations with no defined output type MUST NOT contain bodies" nor a content type.
    untypedEmptyOutput: true,
    parse: parseRpcV2Cbor,
    readInput: (document, shape) => readInput(document, shape, RPC_V2_SCALARS),
    encode: (value) => (value === undefined ? EMPTY : encodeCbor(value, 'seconds')),
    encodeChunks: (value) => (value === undefined ? [EMPTY] : encodeCborChunks(value, 'seconds')),
    encodeError: (error) => encodeCbor(rpcV2ErrorDocument(error), 'seconds'),
  }
}

const EMPTY = Buffer.alloc(0)

/** An empty body is the empty input structure (operations without input send none). */
function parseRpcV2Cbor(body: Buffer): unknown {
  if (body.length === 0) return {}
  try {
    return decodeCbor(body, 'seconds')
  } catch (error) {
    if (error instanceof CborError) throw SerializationException()
    throw error
  }
}

export function rpcV2ErrorDocument(error: AwsError): Record<string, string> {
  const type = error.namespace === undefined ? error.type : `${error.namespace}#${error.type}`
  return error.message === '' ? { __type: type } : { __type: type, message: error.message }
}

const RPC_V2_SCALARS: WireScalars = {
  blob: (value) => (value instanceof Uint8Array ? value : undefined),
  timestamp(value) {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value
    // Untagged epoch seconds, as some encoders write them.
    return typeof value === 'number' ? new Date(Math.round(value * 1000)) : undefined
  },
}
