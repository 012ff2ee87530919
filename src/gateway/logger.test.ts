import { describe, expect, it } from 'vitest'
import { createLogger } from './logger.ts'

describe('logger', () => {
  it('writes one JSON object per line with time, level, message and fields', () => {
    const lines: string[] = []
    createLogger('info', (line) => lines.push(line)).info('request', { status: 200, requestId: 'r' })
    expect(lines).toHaveLength(1)
    expect(lines[0]?.endsWith('\n')).toBe(true)
    const entry = JSON.parse(lines[0] ?? '') as Record<string, unknown>
    expect(entry).toMatchObject({ level: 'info', msg: 'request', status: 200, requestId: 'r' })
    expect(typeof entry.time).toBe('string')
  })

  it('drops entries below its level, and everything when silent', () => {
    const lines: string[] = []
    const warnings = createLogger('warn', (line) => lines.push(line))
    warnings.debug('no')
    warnings.info('no')
    warnings.warn('yes')
    warnings.error('yes')
    createLogger('silent', (line) => lines.push(line)).error('no')
    expect(lines.map((line) => (JSON.parse(line) as { level: string }).level)).toEqual(['warn', 'error'])
  })
})
