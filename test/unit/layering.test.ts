// The layering rules of eslint.config.js, checked by linting files that break them (and one that keeps them)
// with the project's own ESLint configuration, as `npm run lint` does.

import { randomUUID } from 'node:crypto'
import { rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'

import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '../..')

async function layeringErrors(folder: string, source: string, suffix = '.ts'): Promise<string[]> {
  const file = path.join(ROOT, folder, `layering-probe-${randomUUID()}${suffix}`)
  writeFileSync(file, source)
  try {
    const [result] = await new ESLint({ cwd: ROOT }).lintFiles([file])
    return (result?.messages ?? [])
      .filter((message) => message.ruleId === 'layering/layers')
      .map((message) => message.message)
  } finally {
    rmSync(file, { force: true })
  }
}

describe('layering rules', { timeout: 60_000 }, () => {
  it.each([
    [
      'a service importing the gateway',
      'src/streams/operations',
      "export * from '../../gateway/index.ts'\n",
      /gateway\/index\.ts/,
    ],
    [
      'a service importing an adapter',
      'src/streams',
      "export * from '../adapters/kafka/kafka-record-log.ts'\n",
      /adapters/,
    ],
    ['a service importing the configuration', 'src/streams', "export * from '../config.ts'\n", /config\.ts/],
    [
      'the gateway importing a service',
      'src/gateway',
      "export * from '../streams/errors.ts'\n",
      /streams\/errors\.ts/,
    ],
    [
      'the gateway importing an adapter',
      'src/gateway',
      "export * from '../adapters/redis/redis-client.ts'\n",
      /adapters/,
    ],
    [
      'the gateway importing the configuration',
      'src/gateway',
      "export * from '../config.ts'\n",
      /config\.ts/,
    ],
    [
      'the mapping importing a port',
      'src/mapping',
      "export * from '../ports/clock.ts'\n",
      /ports\/clock\.ts/,
    ],
    [
      'a port importing the mapping',
      'src/ports',
      "export * from '../mapping/arns.ts'\n",
      /mapping\/arns\.ts/,
    ],
    ['the service kit importing the gateway', 'src/aws', "export * from '../gateway/index.ts'\n", /gateway/],
    [
      'shipped code importing test support',
      'src/streams',
      "export * from '../../test/support/fake-clock.ts'\n",
      /test\/support/,
    ],
    [
      'a lower part of a service importing a higher one',
      'src/streams/catalog',
      "export * from '../operations/put-record.ts'\n",
      /operations/,
    ],
    [
      'a service root file importing one of its parts',
      'src/streams',
      "export * from './catalog/shard-map.ts'\n",
      /catalog/,
    ],
  ])('refuses %s', async (_case, folder, source, target) => {
    const errors = await layeringErrors(folder, source)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(target)
  })

  it('lets a service use the kit, the mapping, the ports and its own lower parts', async () => {
    const source = [
      "export * from '../../aws/index.ts'",
      "export * from '../../mapping/arns.ts'",
      "export * from '../../ports/clock.ts'",
      "export * from '../catalog/shard-map.ts'",
      "export * from '../errors.ts'",
      '',
    ].join('\n')
    expect(await layeringErrors('src/streams/operations', source)).toEqual([])
  })

  it('lets tests beside the code use test support', async () => {
    const source = "export * from '../../test/support/fake-clock.ts'\n"
    expect(await layeringErrors('src/streams', source, '.test.ts')).toEqual([])
  })
})
