import { callerOf, credentialScopeOf, type CallerDefaults, type SignatureVerifier } from './auth.ts'
import { readBody, RequestTooLargeError } from './body.ts'
import { watchClient } from './client-watch.ts'
import type { Dispatcher } from './dispatch.ts'
import { AwsError, InternalFailure, isEventStreamOutput } from '../aws/index.ts'
import { sendEventStream } from './event-stream-response.ts'
import { headerValue, type GatewayRequest, type GatewayResponse } from './http-types.ts'
import { errorFields, type Logger } from './logger.ts'
import { codecForContentType } from './protocol/content-type.ts'
import {
  sendAccessDenied,
  sendAwsError,
  sendBody,
  sendRequestTooLarge,
  sendUnsupportedContentType,
} from './responses.ts'

export interface AwsPipeline {
  readonly dispatcher: Dispatcher
  readonly callerDefaults: CallerDefaults
  readonly verifySignature: SignatureVerifier | undefined
  readonly maxRequestBytes: number
  readonly logger: Logger
}

/** What the request's log line reports about the AWS call; filled in as the pipeline learns it. */
export interface AwsCallRecord {
  readonly requestId: string
  target?: string
  errorType?: string
  /** For an event stream: how many events were sent. */
  events?: number
}

/**
 * Serves an AWS JSON-RPC call (a POST): read the body, pick the codec from the content type, parse, find the
 * operation from X-Amz-Target, establish the caller, read the typed input, run the operation, encode the result
 * (or stream it, for an operation returning an event stream). Never rejects: every failure becomes an AWS error
 * response (or, for a vanished client, no response).
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
    body = await readBody(req, pipeline.maxRequestBytes)
  } catch (error) {
    if (error instanceof RequestTooLargeError) {
      call.errorType = 'RequestEntityTooLarge'
      sendRequestTooLarge(res, req.httpVersionMajor === 1)
    }
    // Otherwise the client went away and there is no one to answer.
    return
  }

  const codec = codecForContentType(headerValue(req.headers['content-type']))
  if (codec === undefined) {
    if (target?.includes('.') === true) {
      call.errorType = 'UnknownOperationException'
      sendUnsupportedContentType(res)
    } else {
      call.errorType = 'AccessDeniedException'
      sendAccessDenied(res)
    }
    return
  }

  try {
    const found = pipeline.dispatcher.find(target, codec.protocols)
    let input = found === undefined ? undefined : codec.readInputFromBody?.(body, found.operation.input)
    // Without the fast read, a malformed body is reported before an unknown operation, as AWS does.
    const document = input === undefined ? codec.parse(body) : undefined
    const { service, operation } = found ?? pipeline.dispatcher.route(target, codec.protocols)
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
    else sendBody(res, 200, codec.contentType, codec.encodeChunks(output))
  } catch (error) {
    const awsError = asAwsError(error, call, pipeline.logger)
    call.errorType = awsError.type
    sendAwsError(res, codec, awsError)
  }
}

/** AwsErrors go to the client as they are; anything else is logged and becomes a bare InternalFailure. */
function asAwsError(error: unknown, call: AwsCallRecord, logger: Logger): AwsError {
  if (error instanceof AwsError) return error
  logger.error('operation failed', { requestId: call.requestId, target: call.target, ...errorFields(error) })
  return InternalFailure()
}
