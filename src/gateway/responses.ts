import { constants, Http2ServerRequest } from 'node:http2'
import { crc32 } from 'node:zlib'
import type { AwsError, Service } from '../aws/index.ts'
import { headerValue, type GatewayRequest, type GatewayResponse } from './http-types.ts'
import type { ProtocolCodec } from './protocol/codec.ts'

/** Ends a response with a complete body; headers set earlier (request ids) are kept. */
export function sendBody(
  res: GatewayResponse,
  status: number,
  contentType: string | undefined,
  body: Buffer | readonly Buffer[],
): void {
  res.statusCode = status
  if (contentType !== undefined) res.setHeader('content-type', contentType)
  if (Buffer.isBuffer(body)) {
    res.setHeader('content-length', body.length)
    res.end(body)
    return
  }
  let length = 0
  for (const chunk of body) length += chunk.length
  res.setHeader('content-length', length)
  const last = body.length - 1
  for (let index = 0; index < last; index++) res.write(body[index] as Buffer)
  if (last < 0) res.end()
  else res.end(body[last])
}

/**
 * An AWS error in the request's protocol: `{"__type": ..., "message": ...}` plus `x-amzn-ErrorType`, which
 * DynamoDB's errors go without (AWS names the member `Message` for SerializationException, whose text comes from
 * its deserializer), or the body
 * the codec writes for its protocol's errors (RPC v2 CBOR, query XML). The service is undefined when the request
 * reached none.
 */
export function sendAwsError(
  res: GatewayResponse,
  codec: ProtocolCodec,
  error: AwsError,
  requestId: string,
  service: Service | undefined,
): void {
  // AWS's query-compatible services name the query code of the error beside the JSON or CBOR body.
  if (error.queryCode !== undefined && !codec.protocols.includes('aws-query')) {
    res.setHeader('x-amzn-query-error', `${error.queryCode};${error.status < 500 ? 'Sender' : 'Receiver'}`)
  }
  if (codec.encodeError !== undefined) {
    sendBody(res, error.status, codec.contentType, codec.encodeError(error, requestId, service))
    return
  }
  // A type in shape id form (`com.amazonaws.dynamodb.v20120810#ResourceNotFoundException`) is DynamoDB's, which
  // names its errors in the body alone: SDKs that read the header first take the whole id as the error code
  // (the Java SDK 2.33 that KCL 3.1 ships with answers DynamoDbException, not ResourceNotFoundException).
  if (!error.type.includes('#')) res.setHeader('x-amzn-ErrorType', errorTypeHeader(error))
  const document =
    error.message === ''
      ? { __type: error.type, ...error.details }
      : { __type: error.type, [messageMember(error.type)]: error.message, ...error.details }
  const body = codec.encode(document)
  if (service?.responseChecksum === 'crc32') setChecksum(res, [body])
  sendBody(res, error.status, codec.contentType, body)
}

/** `x-amz-crc32`: the CRC32 of the body, for services that declare it. */
export function setChecksum(res: GatewayResponse, body: readonly Buffer[]): void {
  let checksum = 0
  for (const chunk of body) checksum = crc32(chunk, checksum)
  res.setHeader('x-amz-crc32', String(checksum))
}

/**
 * AWS's JSON and CBOR 1.1 services send the message of the deserializer's SerializationException as `Message`
 * and every other error's as `message` (as kinesalite records Kinesis's answers).
 */
function messageMember(type: string): string {
  return type === 'SerializationException' ? 'Message' : 'message'
}

function errorTypeHeader(error: AwsError): string {
  return error.namespace === undefined
    ? error.type
    : `${error.type}:http://internal.amazon.com/coral/${error.namespace}/`
}

/**
 * What AWS answers when it cannot tell which protocol or operation a request is for (not a POST, or a POST
 * without a target and a supported content type). The body is the XML-like text AWS sends, not a JSON document.
 */
export function sendAccessDenied(res: GatewayResponse): void {
  res.setHeader('x-amzn-ErrorType', 'AccessDeniedException')
  const body =
    '<AccessDeniedException>\n' +
    '  <Message>Unable to determine service/operation name to be authorized</Message>\n' +
    '</AccessDeniedException>\n'
  sendBody(res, 403, undefined, Buffer.from(body))
}

/**
 * A POST naming a target but with a missing or unsupported Content-Type. AWS answers 404 with this bare body
 * (as observed for Kinesis by kinesalite); SDK clients never get here since they always send a content type.
 */
export function sendUnsupportedContentType(res: GatewayResponse): void {
  res.setHeader('x-amzn-ErrorType', 'UnknownOperationException')
  sendBody(res, 404, undefined, Buffer.from('<UnknownOperationException/>\n'))
}

/** The body is over the limit: answered before reading it all, so the HTTP/1.1 connection cannot be reused. */
export function sendRequestTooLarge(res: GatewayResponse, http1: boolean): void {
  if (http1) res.setHeader('connection', 'close')
  sendBody(res, 413, undefined, Buffer.alloc(0))
}

/**
 * The body did not arrive in time: 408 without a body, then the request's connection (HTTP/1.1) or stream
 * (HTTP/2) is closed, since the rest of the body will not be read.
 */
export function sendRequestTimeout(req: GatewayRequest, res: GatewayResponse): void {
  if (req.httpVersionMajor === 1) {
    res.setHeader('connection', 'close')
    sendBody(res, 408, undefined, Buffer.alloc(0))
    return
  }
  sendBody(res, 408, undefined, Buffer.alloc(0))
  // RST_STREAM (NO_ERROR) after the response, which tells the client to stop sending the body.
  if (req instanceof Http2ServerRequest) req.stream.close(constants.NGHTTP2_NO_ERROR)
}

/** Headers a browser may read from a cross-origin response (the AWS SDKs read the request id and error type). */
const EXPOSED_HEADERS =
  'x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date'
/** How long browsers may cache a preflight answer, as AWS sends it. */
const PREFLIGHT_MAX_AGE = '172800'

/** CORS headers of a response to a request carrying `Origin`: AWS allows every origin. */
export function setCorsHeaders(res: GatewayResponse): void {
  res.setHeader('access-control-allow-origin', '*')
  res.setHeader('access-control-expose-headers', EXPOSED_HEADERS)
}

/**
 * A CORS preflight (`OPTIONS` with `Origin`), answered as AWS does: 200 with no body, every origin allowed, the
 * requested method and headers echoed as allowed.
 */
export function sendPreflight(req: GatewayRequest, res: GatewayResponse): void {
  res.setHeader('access-control-allow-origin', '*')
  const headers = headerValue(req.headers['access-control-request-headers'])
  if (headers !== undefined) res.setHeader('access-control-allow-headers', headers)
  const method = headerValue(req.headers['access-control-request-method'])
  if (method !== undefined) res.setHeader('access-control-allow-methods', method)
  res.setHeader('access-control-max-age', PREFLIGHT_MAX_AGE)
  sendBody(res, 200, undefined, Buffer.alloc(0))
}

/** A JSON document for operational routes (health, metrics). */
export function sendJson(res: GatewayResponse, status: number, document: unknown, withBody: boolean): void {
  const body = Buffer.from(JSON.stringify(document))
  res.statusCode = status
  res.setHeader('content-type', 'application/json; charset=utf-8')
  res.setHeader('content-length', body.length)
  res.end(withBody ? body : undefined)
}

/** A text for operational routes (metrics), in its own content type. */
export function sendText(
  res: GatewayResponse,
  status: number,
  contentType: string,
  text: string,
  withBody: boolean,
): void {
  const body = Buffer.from(text)
  res.statusCode = status
  res.setHeader('content-type', contentType)
  res.setHeader('content-length', body.length)
  res.end(withBody ? body : undefined)
}
