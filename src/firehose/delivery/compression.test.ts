import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'

import { uncompress } from 'snappyjs'
import { describe, expect, it } from 'vitest'

import {
  compressObject,
  HADOOP_SNAPPY_BLOCK_BYTES,
  hadoopSnappyFrame,
  SNAPPY_JAVA_MAGIC,
  snappyJavaFrame,
} from './compression.ts'

function records(bytes: number): Buffer {
  const parts: string[] = []
  let length = 0
  for (let index = 0; length < bytes; index++) {
    const line = `{"id":${index},"payload":"${'x'.repeat(index % 50)}${Math.random().toString(36)}"}\n`
    parts.push(line)
    length += line.length
  }
  return Buffer.from(parts.join('')).subarray(0, bytes)
}

/** Reads snappy-java's stream framing back, block by block. */
function readSnappyJava(body: Buffer): Buffer {
  expect(body.subarray(0, 8).equals(SNAPPY_JAVA_MAGIC)).toBe(true)
  expect(body.readInt32BE(8)).toBe(1)
  expect(body.readInt32BE(12)).toBe(1)
  const parts: Buffer[] = []
  let offset = 16
  while (offset < body.length) {
    const length = body.readInt32BE(offset)
    const block = uncompress(body.subarray(offset + 4, offset + 4 + length))
    expect(block.length).toBeLessThanOrEqual(32 * 1024)
    parts.push(block)
    offset += 4 + length
  }
  expect(offset).toBe(body.length)
  return Buffer.concat(parts)
}

/** Reads Hadoop's block framing back. */
function readHadoopSnappy(body: Buffer): Buffer {
  const parts: Buffer[] = []
  let offset = 0
  while (offset < body.length) {
    const rawLength = body.readInt32BE(offset)
    const length = body.readInt32BE(offset + 4)
    const block = uncompress(body.subarray(offset + 8, offset + 8 + length))
    expect(block.length).toBe(rawLength)
    expect(rawLength).toBeLessThanOrEqual(HADOOP_SNAPPY_BLOCK_BYTES)
    parts.push(block)
    offset += 8 + length
  }
  expect(offset).toBe(body.length)
  return Buffer.concat(parts)
}

describe('compressObject', () => {
  const data = records(700_000)

  it('leaves UNCOMPRESSED data as concatenated', async () => {
    const object = await compressObject('UNCOMPRESSED', Buffer.from('abcabcabc'), 'x')
    expect(object.body.toString()).toBe('abcabcabc')
    expect(object.contentEncoding).toBeUndefined()
  })

  it('writes GZIP that gunzip reads', async () => {
    const object = await compressObject('GZIP', data, 'x')
    expect(object.contentEncoding).toBe('gzip')
    expect(gunzipSync(object.body).equals(data)).toBe(true)
  })

  it('writes a ZIP archive of one entry that unzip reads', async () => {
    const object = await compressObject('ZIP', data, 'orders-1-2026-01-01-00-00-00-uuid')
    expect(object.contentEncoding).toBe('zip')
    const dir = mkdtempSync(join(tmpdir(), 'firehose-zip-'))
    try {
      writeFileSync(join(dir, 'object.zip'), object.body)
      const listed = execFileSync('unzip', ['-Z1', join(dir, 'object.zip')])
        .toString()
        .trim()
      expect(listed).toBe('orders-1-2026-01-01-00-00-00-uuid')
      const extracted = execFileSync('unzip', ['-p', join(dir, 'object.zip')], {
        maxBuffer: 16 * 1024 * 1024,
      })
      expect(extracted.equals(data)).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('writes Snappy in snappy-java framing', async () => {
    const object = await compressObject('Snappy', data, 'x')
    expect(object.contentEncoding).toBe('snappy-java')
    expect(readSnappyJava(object.body).equals(data)).toBe(true)
  })

  it('writes HADOOP_SNAPPY in Hadoop block framing', async () => {
    const object = await compressObject('HADOOP_SNAPPY', data, 'x')
    expect(object.contentEncoding).toBe('hadoop-snappy')
    expect(readHadoopSnappy(object.body).equals(data)).toBe(true)
  })

  it('frames the raw Snappy block Snappy defines', () => {
    // "abc": length 3 as a varint, then a 3-byte literal (tag (3-1)<<2 = 0x08).
    const block = Buffer.from([0x03, 0x08, 0x61, 0x62, 0x63])
    expect(snappyJavaFrame(Buffer.from('abc'))).toEqual(
      Buffer.concat([SNAPPY_JAVA_MAGIC, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 5]), block]),
    )
    expect(hadoopSnappyFrame(Buffer.from('abc'))).toEqual(
      Buffer.concat([Buffer.from([0, 0, 0, 3, 0, 0, 0, 5]), block]),
    )
  })

  it('frames empty data as a header alone (Snappy) or nothing (Hadoop)', () => {
    expect(snappyJavaFrame(Buffer.alloc(0))).toHaveLength(16)
    expect(hadoopSnappyFrame(Buffer.alloc(0))).toHaveLength(0)
  })
})
