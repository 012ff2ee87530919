/** Sends one HTTP POST and answers the response, whatever its status. */
export interface HttpPoster {
  /** Throws HttpPostError when no response came back (connection refused, reset, timed out). */
  post(
    url: string,
    headers: Readonly<Record<string, string>>,
    body: Buffer,
    timeoutMs: number,
  ): Promise<HttpResponse>
}

export interface HttpResponse {
  readonly status: number
  readonly body: Buffer
}

export class HttpPostError extends Error {
  override name = 'HttpPostError'
}
