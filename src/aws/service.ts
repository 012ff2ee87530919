import { checkConstraints } from './constraints.ts'
import { inputShape, type InputMembers, type StructureShape } from './shape.ts'

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
 * content types, protocols or HTTP versions.
 */
export interface Operation<Input extends object = object, Output = unknown> {
  /** As the service model names it, e.g. 'PutRecord' (`X-Amz-Target: <service>.<name>`, `Action=<name>`). */
  readonly name: string
  /** The input's members with their types and constraints (see shape.ts). */
  readonly input: StructureShape
  /** Runs the operation on an input whose types the protocol has checked; checks the constraints first. */
  handle(input: Input, context: RequestContext): Promise<Output>
}

/**
 * The AWS wire protocols a service can declare. `aws-json-1.0` / `aws-json-1.1` / `aws-cbor-1.1` are RPC over
 * `POST /` with `X-Amz-Target: <name>.<operation>`; `rpc-v2-cbor` is Smithy's `POST
 * /service/<name>/operation/<operation>` with `smithy-protocol: rpc-v2-cbor`; `aws-query` is a form-encoded
 * `Action=<operation>&Version=<version>` answered in XML.
 */
export type WireProtocol = 'aws-json-1.0' | 'aws-json-1.1' | 'aws-cbor-1.1' | 'rpc-v2-cbor' | 'aws-query'

/** An AWS API: its operations, and how requests reach them. */
export interface Service {
  /** The service model's shape name, e.g. 'Kinesis_20131202': the X-Amz-Target prefix and RPC v2 path segment. */
  readonly name: string
  /** The SigV4 service name in the credential scope, e.g. 'kinesis'. */
  readonly signingName: string
  readonly protocols: readonly WireProtocol[]
  /** For `aws-query`: the API version requests name (`Version=2010-08-01`) and the XML namespace of answers. */
  readonly query?: { readonly version: string; readonly xmlNamespace: string }
  /** `crc32`: every response carries `x-amz-crc32`, the CRC32 of its body (DynamoDB; the Java SDK checks it). */
  readonly responseChecksum?: 'crc32'
  readonly operations: ReadonlyMap<string, Operation>
}

export function defineService(definition: {
  name: string
  signingName: string
  protocols: readonly WireProtocol[]
  query?: { version: string; xmlNamespace: string }
  responseChecksum?: 'crc32'
  operations: readonly Operation[]
}): Service {
  if (definition.protocols.includes('aws-query') && definition.query === undefined) {
    throw new Error(`${definition.name} speaks aws-query but names no query version`)
  }
  const operations = new Map<string, Operation>()
  for (const operation of definition.operations) {
    if (operations.has(operation.name)) {
      throw new Error(`${definition.name} defines operation ${operation.name} twice`)
    }
    operations.set(operation.name, operation)
  }
  return { ...definition, operations }
}

/**
 * One operation from its input description (members in the order AWS reports their violations, with the
 * constraints of the AWS service model) and its handler. The handler runs only on input that satisfies the
 * description; anything else is answered with AWS's ValidationException.
 */
export function defineOperation<Input extends object, Output>(definition: {
  name: string
  input: InputMembers
  handle(input: Input, context: RequestContext): Promise<Output>
}): Operation<Input, Output> {
  const shape = inputShape(definition.input)
  return {
    name: definition.name,
    input: shape,
    async handle(input, context) {
      const failure = checkConstraints(input, shape)
      if (failure !== undefined) throw failure
      return definition.handle(input, context)
    },
  }
}
