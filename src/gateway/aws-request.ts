import { promisify } from 'node:util'
import { gunzip } from 'node:zlib'
import { callerOf, credentialScopeOf, type CallerDefaults, type SignatureVerifier } from './auth.ts'
import { readBody, RequestTimeoutError, RequestTooLargeError } from './body.ts'
import { watchClient } from './client-watch.ts'
import type { Dispatcher, Route } from './dispatch.ts'
import {
  AwsError,
  InternalFailure,
  isEventStreamOutput,
  SerializationException,
  UnknownOperationException,
  type Service,
} from '../aws/index.ts'
import { sendEventStream } from './event-stream-response.ts'
import { headerValue, type GatewayRequest, type GatewayResponse } from './http-types.ts'
import { errorFields, type Logger } from './logger.ts'
import type { ProtocolCodec } from './protocol/codec.ts'
import { awsCborCodec } from './protocol/aws-cbor.ts'
import { codecForRequest } from './protocol/content-type.ts'
import { RPC_V2_CBOR_PROTOCOL } from './protocol/rpc-v2-cbor.ts'
import {
  sendAccessDenied,
  sendAwsError,
  sendBody,
  sendRequestTimeout,
  sendRequestTooLarge,
  sendUnsupportedContentType,
  setChecksum,
} from './responses.ts'

export interface AwsPipeline {
  readonly dispatcher: Dispatcher
  readonly callerDefaults: CallerDefaults
  readonly verifySignature: SignatureVerifier | undefined
  readonly maxRequestBytes: number
  readonly requestBodyTimeoutMs: number
  readonly logger: Logger
}

/** What the request's log line reports about the AWS call; filled in as the pipeline learns it. */
export interface AwsCallRecord {
  readonly requestId: string
  target?: string
  /** The service and operation the request reached, once found. */
  service?: string
  operation?: string
  errorType?: string
  /** For an event stream: how many events were sent. */
  events?: number
}

/**
 * Serves an AWS call (a POST): read the body, pick the codec from the content type, parse, find the operation
 * (from X-Amz-Target, the RPC v2 path, or the query Action and Version, as the codec's protocol routes),
 * establish the caller, read the typed input, run the operation, encode the result (or stream it, for an
 * operation returning an event stream). Never rejects: every failure becomes an AWS error response (or, for a
 * vanished client, no response).
 */
export async function serveAwsRequest(
  req: GatewayRequest,
  res: GatewayResponse,
  call: AwsCallRecord,
  pipeline: AwsPipeline,
): Promise<void> {
  const client = watchClient(res)
  const target = headerValue(req.headers['x-amz-target'])
  if (target !== undefined) call.target = target

  let body: Buffer
  try {
    body = await readBody(req, pipeline.maxRequestBytes, pipeline.requestBodyTimeoutMs)
  } catch (error) {
    if (error instanceof RequestTooLargeError) {
      call.errorType = 'RequestEntityTooLarge'
      sendRequestTooLarge(res, req.httpVersionMajor === 1)
    } else if (error instanceof RequestTimeoutError) {
      call.errorType = 'RequestTimeout'
      sendRequestTimeout(req, res)
    }
    // Otherwise the client went away and there is no one to answer.
    return
  }

  if (isGzip(req)) {
    const inflated = await inflate(body, pipeline.maxRequestBytes)
    if (inflated === 'too large') {
      call.errorType = 'RequestEntityTooLarge'
      sendRequestTooLarge(res, false)
      return
    }
    body = inflated
  }

  const codec = codecForRequest(req.headers)
  if (codec === undefined) {
    if (body.length === 0) {
      // Without a body AWS takes the request for AWS CBOR 1.1, whatever its content type.
      const error =
        pipeline.dispatcher.find(target, CBOR.protocols) === undefined
          ? UnknownOperationException()
          : SerializationException()
      call.errorType = error.type
      sendAwsError(res, CBOR, error, call.requestId, undefined)
    } else if (namesOperation(target)) {
      call.errorType = 'UnknownOperationException'
      sendUnsupportedContentType(res)
    } else {
      call.errorType = 'AccessDeniedException'
      sendAccessDenied(res)
    }
    return
  }
  if (codec.responseHeaders !== undefined) setHeaders(res, codec.responseHeaders)

  let service: Service | undefined
  try {
    const found = codec.routing === 'target' ? pipeline.dispatcher.find(target, codec.protocols) : undefined
    // An empty body is reported as malformed only for an operation that exists, as AWS does.
    if (found === undefined && codec.routing === 'target' && body.length === 0) {
      throw UnknownOperationException()
    }
    let input = found === undefined ? undefined : codec.readInputFromBody?.(body, found.operation.input)
    // Without the fast read, a malformed body is reported before an unknown operation, as AWS does.
    const document = input === undefined ? codec.parse(body) : undefined
    const route = found ?? routeOf(req, target, codec, document, pipeline.dispatcher)
    service = route.service
    const operation = route.operation
    call.target ??= `${service.name}.${operation.name}`
    call.service = service.name
    call.operation = operation.name
    const scope = credentialScopeOf(req.headers, req.url)
    if (pipeline.verifySignature !== undefined) {
      await pipeline.verifySignature({
        method: req.method ?? 'POST',
        url: req.url ?? '/',
        headers: req.headers,
        body,
        scope,
        signingName: service.signingName,
      })
    }
    const caller = callerOf(scope, pipeline.callerDefaults)
    input ??= codec.readInput(document, operation.input)
    const output = await operation.handle(input, { requestId: call.requestId, ...caller })
    if (isEventStreamOutput(output)) await sendEventStream(res, client, codec, output, call, pipeline.logger)
    else {
      const contentType =
        output === undefined && codec.untypedEmptyOutput === true ? undefined : codec.contentType
      const body = codec.encodeChunks(output, operation.name, service, call.requestId)
      if (service.responseChecksum === 'crc32') setChecksum(res, body)
      sendBody(res, 200, contentType, body)
    }
  } catch (error) {
    const awsError = asAwsError(error, call, pipeline.logger)
    call.errorType = awsError.type
    sendAwsError(res, codec, awsError, call.requestId, service)
  }
}

const CBOR = awsCborCodec()

const gunzipAsync = promisify(gunzip)

/** `Content-Encoding: gzip`: the SDKs compress large requests of operations that allow it (PutMetricData). */
function isGzip(req: GatewayRequest): boolean {
  return headerValue(req.headers['content-encoding'])?.trim().toLowerCase() === 'gzip'
}

/**
 * A gzip body inflated, within the same limit as plain bodies. A body that is not gzip goes on as it is, to be
 * answered as the malformed body it is by the codec.
 */
async function inflate(body: Buffer, maxBytes: number): Promise<Buffer | 'too large'> {
  try {
    return await gunzipAsync(body, { maxOutputLength: maxBytes })
  } catch (error) {
    if (error instanceof RangeError) return 'too large'
    return body
  }
}

/** Whether an X-Amz-Target has the form `<service>.<operation>`, both parts present. */
function namesOperation(target: string | undefined): boolean {
  const dot = target?.indexOf('.') ?? -1
  return target !== undefined && dot > 0 && dot < target.length - 1
}

/** The operation a request names, in its protocol's way (X-Amz-Target is tried before parsing, in the caller). */
function routeOf(
  req: GatewayRequest,
  target: string | undefined,
  codec: ProtocolCodec,
  document: unknown,
  dispatcher: Dispatcher,
): Route {
  switch (codec.routing) {
    case 'target':
      return dispatcher.route(target, codec.protocols)
    case 'path': {
      // RPC v2 requests must name their protocol and must not carry a target (Smithy's servers refuse them).
      const valid =
        headerValue(req.headers['smithy-protocol']) === RPC_V2_CBOR_PROTOCOL &&
        target === undefined &&
        req.headers['x-amzn-target'] === undefined
      return dispatcher.routePath(valid ? req.url : undefined, codec.protocols)
    }
    case 'action': {
      const named = codec.actionOf?.(document)
      return dispatcher.routeAction(named?.action, named?.version, codec.protocols)
    }
  }
}

function setHeaders(res: GatewayResponse, headers: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
}

/** AwsErrors go to the client as they are; anything else is logged and becomes a bare InternalFailure. */
function asAwsError(error: unknown, call: AwsCallRecord, logger: Logger): AwsError {
  if (error instanceof AwsError) return error
  logger.error('operation failed', { requestId: call.requestId, target: call.target, ...errorFields(error) })
  return InternalFailure()
}
