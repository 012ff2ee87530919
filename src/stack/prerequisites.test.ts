import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { findExecutable, parseJavaMajorVersion } from './prerequisites.ts'

describe('parseJavaMajorVersion', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['java version "1.8.0_402"', 8],
    ['something else', undefined],
  ])('reads %s as %s', (output, version) => {
    expect(parseJavaMajorVersion(output)).toBe(version)
  })
})

describe('findExecutable', () => {
  it('finds an executable file on the search path, skipping files that are not executable', () => {
    const first = mkdtempSync(join(tmpdir(), 'stack-path-'))
    const second = mkdtempSync(join(tmpdir(), 'stack-path-'))
    writeFileSync(join(first, 'tool'), 'not executable')
    writeFileSync(join(second, 'tool'), '#!/bin/sh\n')
    chmodSync(join(second, 'tool'), 0o755)
    expect(findExecutable('tool', [first, second].join(delimiter))).toBe(join(second, 'tool'))
    expect(findExecutable('missing-tool', [first, second].join(delimiter))).toBeUndefined()
  })
})
