import { randomBytes, randomUUID } from 'node:crypto'

/** `x-amzn-RequestId`: the id SDKs expose as `$metadata.requestId` and that our logs carry. */
export function newRequestId(): string {
  return randomUUID()
}

/** `x-amz-id-2`: Kinesis also sends this opaque base64 token (SDKs expose it as `$metadata.extendedRequestId`). */
export function newExtendedRequestId(): string {
  return randomBytes(72).toString('base64')
}
