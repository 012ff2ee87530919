import type { AwsError, Service, StructureShape, WireProtocol } from '../../aws/index.ts'

/**
 * How a protocol's requests name their operation: `target` by `X-Amz-Target: <service>.<operation>` (AWS JSON,
 * AWS CBOR), `path` by `/service/<service>/operation/<operation>` (Smithy RPC v2), `action` by the Action and
 * Version parameters of the body (AWS query).
 */
export type Routing = 'target' | 'path' | 'action'

/** What an `action`-routed document names: its Action and Version parameters, as sent. */
export interface ActionName {
  readonly action: string | undefined
  readonly version: string | undefined
}

/**
 * One AWS wire protocol: bytes to a plain document and back. Operations never see the protocol: they get inputs
 * with `Uint8Array` blobs and `Date` timestamps and return outputs of the same kind.
 */
export interface ProtocolCodec {
  /** The content type of responses. */
  readonly contentType: string
  /** The protocols whose requests it reads: a service is reached through it only if it speaks one of them. */
  readonly protocols: readonly WireProtocol[]
  readonly routing: Routing
  /** Headers every response in this protocol carries (e.g. `smithy-protocol`). */
  readonly responseHeaders?: Readonly<Record<string, string>>
  /** Whether an empty output (`undefined`) is sent as an empty body without a content type. */
  readonly untypedEmptyOutput?: boolean
  /** Bytes to a document in wire terms; throws an AwsError when the body is not well formed. */
  parse(body: Buffer): unknown
  /** For `action` routing: the operation and API version a parsed document names. */
  actionOf?(document: unknown): ActionName
  /** A parsed document to an operation's input; throws an AwsError on members of the wrong type. */
  readInput(document: unknown, shape: StructureShape): Record<string, unknown>
  /**
   * The input read straight from the bytes, when the codec has a faster way for this body; undefined sends the
   * body through parse and readInput, which decide every case (and word every error).
   */
  readInputFromBody?(body: Buffer, shape: StructureShape): Record<string, unknown> | undefined
  /** An operation's output (or an error document) to bytes; `undefined` is an empty body. */
  encode(value: unknown): Buffer
  /**
   * An operation's output as bytes in the chunks they were written in, to be sent one after the other without
   * joining them. Protocols that wrap outputs (query) also get the operation, service and request id.
   */
  encodeChunks(value: unknown, operation: string, service: Service, requestId: string): readonly Buffer[]
  /**
   * An error response body, for protocols whose errors are not `{"__type", "message"}` documents with an
   * `x-amzn-ErrorType` header. The service is undefined when the request reached none.
   */
  encodeError?(error: AwsError, requestId: string, service: Service | undefined): Buffer
}
