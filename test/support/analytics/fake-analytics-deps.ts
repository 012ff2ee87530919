// Deps for unit and wire tests of Kinesis Data Analytics for SQL: the memory application catalog, the memory
// stream catalog and record log of the streams fixture, a memory object store, and a stand-in SQL checker.

import type { AnalyticsDeps, ApplicationCodeChecker } from '../../../src/analytics/deps.ts'
import type { FakeClock } from '../fake-clock.ts'
import { MemoryApplicationCatalog } from '../memory/memory-application-catalog.ts'
import { MemoryObjectStore } from '../memory/memory-object-store.ts'
import { createTestDataPlane, type TestDataPlane } from '../streams/test-streams.ts'

export interface FakeAnalyticsDeps extends AnalyticsDeps {
  readonly applications: MemoryApplicationCatalog
  readonly objects: MemoryObjectStore
  readonly clock: FakeClock
  /** The streams the applications read and write, on the same memory catalog and log. */
  readonly plane: TestDataPlane
}

/**
 * A stand-in for the SQL checker: code containing the word BROKEN is invalid at that word's position
 * ("Unexpected BROKEN"); any other code is valid. Lets tests drive CodeValidationException without the parser.
 */
export const brokenWordChecker: ApplicationCodeChecker = (code) => {
  const lines = code.split('\n')
  for (const [index, text] of lines.entries()) {
    const column = text.indexOf('BROKEN')
    if (column !== -1) return { message: 'Unexpected BROKEN', line: index + 1, column: column + 1 }
  }
  return undefined
}

export function fakeAnalyticsDeps(checker: ApplicationCodeChecker = brokenWordChecker): FakeAnalyticsDeps {
  const plane = createTestDataPlane()
  return {
    applications: new MemoryApplicationCatalog(),
    streams: plane.catalog,
    recordLog: plane.recordLog,
    objects: new MemoryObjectStore(),
    clock: plane.clock,
    checkApplicationCode: checker,
    plane,
  }
}
