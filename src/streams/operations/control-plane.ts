import type { Operation } from '../../gateway/index.ts'
import type { StreamsDeps } from '../deps.ts'

/** Stream lifecycle, shards, settings and tags. */
export function controlPlaneOperations(_deps: StreamsDeps): Operation[] {
  return []
}
