import type { IncomingHttpHeaders } from 'node:http'
import { headerValue } from '../http-types.ts'
import { awsCborCodec, AWS_CBOR_1_1 } from './aws-cbor.ts'
import { awsJsonCodec, AWS_JSON_1_0, AWS_JSON_1_1 } from './aws-json.ts'
import { awsQueryCodec, AWS_QUERY_CONTENT_TYPE } from './aws-query.ts'
import type { ProtocolCodec } from './codec.ts'
import { rpcV2CborCodec, RPC_V2_CBOR_CONTENT_TYPE, RPC_V2_CBOR_PROTOCOL } from './rpc-v2-cbor.ts'

const RPC_V2_CBOR = rpcV2CborCodec()

const CODECS: ReadonlyMap<string, ProtocolCodec> = new Map([
  [AWS_JSON_1_0, awsJsonCodec(AWS_JSON_1_0, ['aws-json-1.0'])],
  [AWS_JSON_1_1, awsJsonCodec()],
  // Plain JSON is accepted as either JSON protocol (and answered with its own content type).
  ['application/json', awsJsonCodec('application/json', ['aws-json-1.1', 'aws-json-1.0'])],
  [AWS_CBOR_1_1, awsCborCodec()],
  [RPC_V2_CBOR_CONTENT_TYPE, RPC_V2_CBOR],
  [AWS_QUERY_CONTENT_TYPE, awsQueryCodec()],
])

/** The codec for a request's Content-Type header (parameters such as charset ignored), if it is supported. */
export function codecForContentType(header: string | undefined): ProtocolCodec | undefined {
  if (header === undefined) return undefined
  const semicolon = header.indexOf(';')
  const mediaType = (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase()
  return CODECS.get(mediaType)
}

/**
 * The codec of a request: by its Content-Type, or, for an RPC v2 CBOR request without a body (an operation
 * without input sends no Content-Type), by its `smithy-protocol` header.
 */
export function codecForRequest(headers: IncomingHttpHeaders): ProtocolCodec | undefined {
  const contentType = headerValue(headers['content-type'])
  if (contentType !== undefined) return codecForContentType(contentType)
  return headerValue(headers['smithy-protocol']) === RPC_V2_CBOR_PROTOCOL ? RPC_V2_CBOR : undefined
}
