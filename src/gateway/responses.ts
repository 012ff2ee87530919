import type { AwsError, Service } from '../aws/index.ts'
import type { GatewayResponse } from './http-types.ts'
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
 * An AWS error in the request's protocol: `{"__type": ..., "message": ...}` plus `x-amzn-ErrorType`, or the body
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
  if (codec.encodeError !== undefined) {
    sendBody(res, error.status, codec.contentType, codec.encodeError(error, requestId, service))
    return
  }
  res.setHeader('x-amzn-ErrorType', errorTypeHeader(error))
  const document =
    error.message === '' ? { __type: error.type } : { __type: error.type, message: error.message }
  sendBody(res, error.status, codec.contentType, codec.encode(document))
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

/** A JSON document for operational routes (health, metrics). */
export function sendJson(res: GatewayResponse, status: number, document: unknown, withBody: boolean): void {
  const body = Buffer.from(JSON.stringify(document))
  res.statusCode = status
  res.setHeader('content-type', 'application/json; charset=utf-8')
  res.setHeader('content-length', body.length)
  res.end(withBody ? body : undefined)
}
