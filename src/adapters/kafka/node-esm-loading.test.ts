import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import { describe, expect, it } from 'vitest'

const PROJECT_ROOT = fileURLToPath(new URL('../../..', import.meta.url))

// Vitest's loader lends CommonJS packages named exports that Node's own ESM loader does not see (kafkajs's error
// classes): the Kafka adapters are loaded here as the gateway process loads them, `node --import tsx`.
describe('the Kafka adapters under Node ESM', () => {
  it.each([
    'src/adapters/kafka/kafka-consumer-groups.ts',
    'src/adapters/kafka/kafka-record-log.ts',
    'src/adapters/kafka/topic-admin.ts',
  ])(
    '%s loads',
    (module) => {
      const result = spawnSync(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', `await import('./${module}')`],
        { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000 },
      )
      expect(result.stderr).toBe('')
      expect(result.status).toBe(0)
    },
    60_000,
  )
})
