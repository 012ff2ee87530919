import { LambdaInvokeError, type LambdaInvocation, type LambdaInvoker } from '../../ports/lambda-invoker.ts'

/**
 * Invokes functions through the Lambda Invoke API (`POST /2015-03-31/functions/<name>/invocations`) at
 * `endpoint`, which is what `sam local start-lambda` and other local Lambda runtimes serve. The function
 * name (and version or alias qualifier) come from the ARN. Requests are not signed: local runtimes do not
 * check signatures.
 */
export function httpLambdaInvoker(endpoint: string, timeoutMs = 300_000): LambdaInvoker {
  const base = endpoint.replace(/\/+$/, '')
  return {
    async invoke(functionArn, payload): Promise<LambdaInvocation> {
      const { name, qualifier } = functionOfArn(functionArn)
      const query = qualifier === undefined ? '' : `?Qualifier=${encodeURIComponent(qualifier)}`
      const url = `${base}/2015-03-31/functions/${encodeURIComponent(name)}/invocations${query}`
      let response: Response
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Amz-Invocation-Type': 'RequestResponse' },
          body: payload,
          signal: AbortSignal.timeout(timeoutMs),
        })
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error)
        throw new LambdaInvokeError('ServiceException', `Lambda endpoint ${base} did not answer: ${reason}`)
      }
      const body = Buffer.from(await response.arrayBuffer())
      if (response.status < 200 || response.status > 299) throw invokeError(response, body)
      const functionError = response.headers.get('x-amz-function-error')
      return functionError === null ? { payload: body } : { payload: body, functionError }
    },
  }
}

/** `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`, or a bare name. */
export function functionOfArn(functionArn: string): { name: string; qualifier?: string } {
  const parts = functionArn.split(':')
  if (parts[0] !== 'arn' || parts.length < 7) return { name: functionArn }
  const name = parts[6] ?? ''
  const qualifier = parts[7]
  return qualifier === undefined || qualifier === '' ? { name } : { name, qualifier }
}

function invokeError(response: Response, body: Buffer): LambdaInvokeError {
  let code = response.headers.get('x-amzn-errortype')?.split(':')[0] ?? ''
  let message = body.toString('utf8')
  try {
    const parsed = JSON.parse(message) as {
      Type?: unknown
      __type?: unknown
      message?: unknown
      Message?: unknown
    }
    if (code === '' && typeof parsed.__type === 'string') code = parsed.__type.split('#').pop() ?? ''
    const text = parsed.message ?? parsed.Message
    if (typeof text === 'string') message = text
  } catch {
    // The body is not JSON: keep it as the message.
  }
  if (code === '') code = response.status === 404 ? 'ResourceNotFoundException' : 'ServiceException'
  return new LambdaInvokeError(code, `${response.status}: ${message}`)
}
