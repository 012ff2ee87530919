import type { Operation } from '../../gateway/index.ts'
import type { StreamsDeps } from '../deps.ts'

/** Writing and reading records. */
export function dataPlaneOperations(_deps: StreamsDeps): Operation[] {
  return []
}
