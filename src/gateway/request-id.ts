import { randomFillSync, randomUUID } from 'node:crypto'

/** `x-amzn-RequestId`: the id SDKs expose as `$metadata.requestId` and that our logs carry. */
export function newRequestId(): string {
  return randomUUID()
}

const EXTENDED_ID_BYTES = 72
/** Random bytes for many ids at once: one call to the system's generator per request cost more than the request. */
const pool = Buffer.alloc(EXTENDED_ID_BYTES * 256)
let poolOffset = pool.length

/** `x-amz-id-2`: Kinesis also sends this opaque base64 token (SDKs expose it as `$metadata.extendedRequestId`). */
export function newExtendedRequestId(): string {
  if (poolOffset + EXTENDED_ID_BYTES > pool.length) {
    randomFillSync(pool)
    poolOffset = 0
  }
  const id = pool.toString('base64', poolOffset, poolOffset + EXTENDED_ID_BYTES)
  poolOffset += EXTENDED_ID_BYTES
  return id
}
