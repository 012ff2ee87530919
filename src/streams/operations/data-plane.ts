import type { Operation } from '../../aws/index.ts'
import type { StreamsDeps } from '../deps.ts'
import { getRecords } from './get-records.ts'
import { getShardIterator } from './get-shard-iterator.ts'
import { putRecord } from './put-record.ts'
import { putRecords } from './put-records.ts'

/** Writing and reading records. */
export function dataPlaneOperations(deps: StreamsDeps): Operation[] {
  return [putRecord(deps), putRecords(deps), getShardIterator(deps), getRecords(deps)]
}
