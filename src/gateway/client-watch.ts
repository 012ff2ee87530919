import type { GatewayResponse } from './http-types.ts'

/**
 * Whether the client went away: its response closed before the gateway ended it. Neither response type says so
 * afterwards in a way both share, so the watch must start before the first `await` of the request.
 */
export interface ClientWatch {
  isGone(): boolean
}

export function watchClient(res: GatewayResponse): ClientWatch {
  let isGone = false
  res.once('close', () => {
    isGone = !res.writableEnded
  })
  return { isGone: () => isGone }
}
