import { awsCborCodec, AWS_CBOR_1_1 } from './aws-cbor.ts'
import { awsJsonCodec, AWS_JSON_1_0, AWS_JSON_1_1 } from './aws-json.ts'
import type { ProtocolCodec } from './codec.ts'

const CODECS: ReadonlyMap<string, ProtocolCodec> = new Map([
  [AWS_JSON_1_0, awsJsonCodec(AWS_JSON_1_0, ['aws-json-1.0'])],
  [AWS_JSON_1_1, awsJsonCodec()],
  // Plain JSON is accepted as either JSON protocol (and answered with its own content type).
  ['application/json', awsJsonCodec('application/json', ['aws-json-1.1', 'aws-json-1.0'])],
  [AWS_CBOR_1_1, awsCborCodec()],
])

/** The codec for a request's Content-Type header (parameters such as charset ignored), if it is supported. */
export function codecForContentType(header: string | undefined): ProtocolCodec | undefined {
  if (header === undefined) return undefined
  const semicolon = header.indexOf(';')
  const mediaType = (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase()
  return CODECS.get(mediaType)
}
