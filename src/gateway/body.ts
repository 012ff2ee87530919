import type { GatewayRequest } from './http-types.ts'

/** Room for a 10 MiB record base64-encoded in a JSON request, plus the rest of the document. */
export const DEFAULT_MAX_REQUEST_BYTES = 20 * 1024 * 1024

export class RequestTooLargeError extends Error {
  override readonly name = 'RequestTooLargeError'
}

export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError'
}

export class RequestAbortedError extends Error {
  override readonly name = 'RequestAbortedError'
}

/**
 * Collects a request body: chunks are kept as they arrive and concatenated once at the end (a single chunk is
 * returned as is). Rejects with RequestTooLargeError as soon as the declared or received length exceeds the
 * limit, with RequestTimeoutError when the body has not arrived in full after `timeoutMs`, and with
 * RequestAbortedError when the client goes away first.
 */
export function readBody(req: GatewayRequest, maxBytes: number, timeoutMs: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'])
  if (declared > maxBytes)
    return Promise.reject(new RequestTooLargeError(`Content-Length ${declared} exceeds ${maxBytes}`))

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let length = 0
    const stop = (): void => {
      clearTimeout(timer)
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      req.off('close', onClose)
    }
    const onData = (chunk: Buffer): void => {
      length += chunk.length
      if (length > maxBytes) {
        stop()
        reject(new RequestTooLargeError(`Request body exceeds ${maxBytes} bytes`))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = (): void => {
      stop()
      resolve(chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks, length))
    }
    const onError = (error: Error): void => {
      stop()
      reject(new RequestAbortedError(error.message))
    }
    const onClose = (): void => {
      stop()
      reject(new RequestAbortedError('The client closed the request before sending its body'))
    }
    const timer = setTimeout(() => {
      stop()
      reject(new RequestTimeoutError(`The request body did not arrive within ${timeoutMs} ms`))
    }, timeoutMs)
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('close', onClose)
  })
}
