import { HttpPostError, type HttpPoster, type HttpResponse } from '../../ports/http-poster.ts'

/** HttpPoster on Node's fetch. */
export const fetchHttpPoster: HttpPoster = {
  async post(url, headers, body, timeoutMs): Promise<HttpResponse> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      })
      return { status: response.status, body: Buffer.from(await response.arrayBuffer()) }
    } catch (error) {
      throw new HttpPostError(`POST ${url} failed: ${describe(error)}`, { cause: error })
    }
  },
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ''
  return `${error.message}${cause}`
}
