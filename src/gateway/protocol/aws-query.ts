import type { AwsError, Service } from '../../aws/index.ts'
import type { ProtocolCodec } from './codec.ts'
import { QueryForm, readFormInput } from './form-input-reader.ts'
import { queryErrorXml, queryResponseXml, xmlContent } from './xml-writer.ts'

export const AWS_QUERY_CONTENT_TYPE = 'application/x-www-form-urlencoded'

/**
 * The AWS query protocol: a form-encoded `Action=<operation>&Version=<api version>&...` body, routed to the service
 * whose `query.version` is that Version, answered in XML (`<OperationResponse>` with `<OperationResult>` and
 * `<ResponseMetadata>`, or `<ErrorResponse>`).
 */
export function awsQueryCodec(): ProtocolCodec {
  return {
    contentType: 'text/xml',
    protocols: ['aws-query'],
    routing: 'action',
    parse: (body) => new QueryForm(body.toString('utf8')),
    actionOf(document) {
      const form = document as QueryForm
      return { action: form.get('Action'), version: form.get('Version') }
    },
    readInput: (document, shape) => readFormInput(document as QueryForm, shape),
    encode: (value) => Buffer.from(xmlContent(value)),
    encodeChunks: (value, operation, service, requestId) => [
      Buffer.from(queryResponseXml(operation, xmlNamespaceOf(service) ?? '', requestId, value)),
    ],
    encodeError: (error, requestId, service) =>
      Buffer.from(queryErrorXml(queryError(error), requestId, xmlNamespaceOf(service))),
  }
}

function xmlNamespaceOf(service: Service | undefined): string | undefined {
  return service?.query?.xmlNamespace
}

/**
 * The kit's framework errors under the codes the query APIs use for them (a constraint violation is
 * `ValidationError` there, as AWS's query-compatible JSON services also report it in `x-amzn-query-error`).
 * Service errors keep their type as the code unless they name their own query code.
 */
const QUERY_CODES: Readonly<Record<string, string>> = {
  ValidationException: 'ValidationError',
  UnknownOperationException: 'InvalidAction',
  MissingAuthenticationTokenException: 'MissingAuthenticationToken',
  IncompleteSignatureException: 'IncompleteSignature',
  InvalidSignatureException: 'SignatureDoesNotMatch',
  AccessDeniedException: 'AccessDenied',
}

export function queryError(error: AwsError): { code: string; message: string; status: number } {
  return {
    code: error.queryCode ?? QUERY_CODES[error.type] ?? error.type,
    message: error.message,
    status: error.status,
  }
}
