import type { StructureShape, WireProtocol } from '../../aws/index.ts'

/**
 * One AWS wire protocol: bytes to a plain document and back. Operations never see the protocol: they get inputs
 * with `Uint8Array` blobs and `Date` timestamps and return outputs of the same kind.
 */
export interface ProtocolCodec {
  /** The content type of responses. */
  readonly contentType: string
  /** The protocols whose requests it reads: a service is reached through it only if it speaks one of them. */
  readonly protocols: readonly WireProtocol[]
  /** Bytes to a document in wire terms; throws SerializationException when the body is not well formed. */
  parse(body: Buffer): unknown
  /** A parsed document to an operation's input; throws SerializationException on members of the wrong type. */
  readInput(document: unknown, shape: StructureShape): Record<string, unknown>
  /**
   * The input read straight from the bytes, when the codec has a faster way for this body; undefined sends the
   * body through parse and readInput, which decide every case (and word every error).
   */
  readInputFromBody?(body: Buffer, shape: StructureShape): Record<string, unknown> | undefined
  /** An operation's output (or an error document) to bytes; `undefined` is an empty body. */
  encode(value: unknown): Buffer
  /** The same bytes in the chunks they were written in, to be sent one after the other without joining them. */
  encodeChunks(value: unknown): readonly Buffer[]
}
