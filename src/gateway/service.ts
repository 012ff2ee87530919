import type { StructureShape } from './protocol/shape.ts'

/** Who is calling and where, as the gateway derived it from the request; one per request. */
export interface RequestContext {
  /** Also sent as `x-amzn-RequestId` and written on the request's log line. */
  readonly requestId: string
  readonly accountId: string
  readonly region: string
  /** From the SigV4 credential scope; undefined for unsigned requests. */
  readonly accessKeyId: string | undefined
}

/**
 * One AWS operation. It receives a plain input (blobs as Uint8Array, timestamps as Date, only the members its
 * input shape names) and returns a plain output of the same kind, or throws an AwsError. It never sees bytes,
 * content types or HTTP versions.
 */
export interface Operation<Input extends object = object, Output = unknown> {
  /** As in `X-Amz-Target: <prefix>.<name>`, e.g. 'PutRecord'. */
  readonly name: string
  /** The input's members with their types (see protocol/shape.ts). */
  readonly input: StructureShape
  handle(input: Input, context: RequestContext): Promise<Output>
}

/** An AWS JSON-RPC service: the operations answering `X-Amz-Target: <targetPrefix>.<operation>`. */
export interface Service {
  /** e.g. 'Kinesis_20131202' */
  readonly targetPrefix: string
  /** The SigV4 service name in the credential scope, e.g. 'kinesis'. */
  readonly signingName: string
  readonly operations: ReadonlyMap<string, Operation>
}

export function defineService(definition: {
  targetPrefix: string
  signingName: string
  operations: readonly Operation[]
}): Service {
  const operations = new Map<string, Operation>()
  for (const operation of definition.operations) {
    if (operations.has(operation.name)) {
      throw new Error(`${definition.targetPrefix} defines operation ${operation.name} twice`)
    }
    operations.set(operation.name, operation)
  }
  return { targetPrefix: definition.targetPrefix, signingName: definition.signingName, operations }
}
