import { readFileSync } from 'node:fs'

import * as kinesis from '@aws-sdk/client-kinesis'
import { describe, expect, it } from 'vitest'

import { createStreamsService } from '../../src/streams/service.ts'
import { MemoryConsumerRegistry } from '../support/memory/memory-consumer-registry.ts'
import { MemorySubscriptionLeases } from '../support/memory/memory-subscription-leases.ts'
import { fakeStreamsDeps } from '../support/streams/fake-streams-deps.ts'

function read(path: string): string {
  return readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')
}

/** The text of a markdown section, from its heading to the next heading of its level. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n${heading}\n`)
  if (start === -1) throw new Error(`no section '${heading}'`)
  const level = /^#+/.exec(heading)?.[0] ?? '#'
  const end = markdown.indexOf(`\n${level} `, start + heading.length + 1)
  return markdown.slice(start, end === -1 ? undefined : end)
}

/** Operation names in the second column of the tables whose header's second cell is `header`. */
function operationsInTables(text: string, header: string): string[] {
  const names: string[] = []
  let inTable = false
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim())
    if (!line.startsWith('|')) {
      inTable = false
    } else if (cells[1] === 'Group') {
      inTable = cells[2] === header
    } else if (inTable && !/^-+$/.test(cells[1] ?? '')) {
      const list = (cells[2] ?? '').replace(/\([^)]*\)/g, '')
      names.push(...list.split(',').map((name) => name.trim()))
    }
  }
  return names
}

describe('docs/streams.md lists the operations as they are', () => {
  const operations = section(read('docs/streams.md'), '## Operations')
  const served = operationsInTables(operations, 'Operations')
  const notServed = operationsInTables(operations, 'Operations not served')

  it('lists as served exactly the operations the gateway registers', () => {
    const service = createStreamsService({
      ...fakeStreamsDeps(),
      consumers: new MemoryConsumerRegistry(),
      subscriptionLeases: new MemorySubscriptionLeases(),
    })
    expect([...served].sort()).toEqual([...service.operations.keys()].sort())
    expect(operations).toMatch(new RegExp(`These ${served.length} are\\s+served`))
  })

  it('lists every other operation of the Kinesis model as not served, each name once', () => {
    const named = [...served, ...notServed]
    expect(new Set(named).size).toBe(named.length)
    const sdkOperations = Object.keys(kinesis)
      .filter((name) => /^[A-Z]\w*Command$/.test(name))
      .map((name) => name.slice(0, -'Command'.length))
    expect(named).toEqual(expect.arrayContaining(sdkOperations))
    expect(operations).toMatch(new RegExp(`These ${notServed.length} are\\s+not\\s+served`))
    expect(operations).toMatch(new RegExp(`has\\s+${named.length}\\s+operations`))
  })
})

describe('the README documents every setting the gateway reads', () => {
  const configuration = section(read('README.md'), '## Configuration')

  it('names each variable of src/config.ts in its configuration table', () => {
    const source = read('src/config.ts')
    const variables = new Set(
      [...source.matchAll(/\benv\.([A-Z][A-Z0-9_]+)|\(env, '([A-Z][A-Z0-9_]+)'/g)].map(
        (match) => match[1] ?? match[2] ?? '',
      ),
    )
    expect(variables.size).toBeGreaterThan(20)
    const table = configuration
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .join('\n')
    for (const variable of variables) expect(table, variable).toContain(`\`${variable}\``)
  })
})

describe('the topic template is written with the placeholders the code reads', () => {
  it('never as kinesis.<account>.<region>.<stream>', () => {
    for (const path of ['README.md', 'docs/streams.md', 'docs/layout.md', 'compose.yaml']) {
      expect(read(path), path).not.toMatch(/<account>|<region>\.<stream>/)
    }
  })
})
