// CompressionFormat: how an object's bytes (the records concatenated as sent) are compressed, and the
// Content-Encoding the object carries.
//
//   UNCOMPRESSED    as is
//   GZIP            one gzip member                                       Content-Encoding gzip
//   ZIP             a zip archive of one entry (deflated)                 Content-Encoding zip
//   Snappy          snappy-java's stream framing (SnappyOutputStream):    Content-Encoding snappy-java
//                     magic 82 'SNAPPY' 00, version 1 and compatible version 1 (int32 big-endian), then per
//                     32 KiB of input: compressed length (int32 BE) and the raw Snappy block
//   HADOOP_SNAPPY   Hadoop's BlockCompressorStream framing:               Content-Encoding hadoop-snappy
//                     per block: uncompressed length (int32 BE), compressed length (int32 BE), raw Snappy
//                     block; blocks hold at most 218,422 bytes of input (Hadoop's default 256 KiB buffer less
//                     its compression overhead), so Hadoop reads them with its default settings

import { promisify } from 'node:util'
import { gzip as gzipCallback } from 'node:zlib'

import { zipSync } from 'fflate'
import { compress as snappyBlock } from 'snappyjs'

const gzip = promisify(gzipCallback)

export type CompressionFormat = 'UNCOMPRESSED' | 'GZIP' | 'ZIP' | 'Snappy' | 'HADOOP_SNAPPY'

export const SNAPPY_JAVA_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
const SNAPPY_JAVA_BLOCK_BYTES = 32 * 1024
const HADOOP_BUFFER_BYTES = 256 * 1024
export const HADOOP_SNAPPY_BLOCK_BYTES = HADOOP_BUFFER_BYTES - (Math.floor(HADOOP_BUFFER_BYTES / 6) + 32)

export interface CompressedObject {
  readonly body: Buffer
  readonly contentEncoding: string | undefined
}

/** A known format, or UNCOMPRESSED for none. */
export function compressionFormat(value: string | undefined): CompressionFormat {
  switch (value) {
    case 'GZIP':
    case 'ZIP':
    case 'Snappy':
    case 'HADOOP_SNAPPY':
      return value
    default:
      return 'UNCOMPRESSED'
  }
}

/** Compresses an object's bytes; `entryName` names the entry of a ZIP archive. */
export async function compressObject(
  format: CompressionFormat,
  data: Buffer,
  entryName: string,
): Promise<CompressedObject> {
  switch (format) {
    case 'UNCOMPRESSED':
      return { body: data, contentEncoding: undefined }
    case 'GZIP':
      return { body: await gzip(data), contentEncoding: 'gzip' }
    case 'ZIP': {
      const archive = zipSync({ [entryName]: [data, { level: 6 }] })
      return {
        body: Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength),
        contentEncoding: 'zip',
      }
    }
    case 'Snappy':
      return { body: snappyJavaFrame(data), contentEncoding: 'snappy-java' }
    case 'HADOOP_SNAPPY':
      return { body: hadoopSnappyFrame(data), contentEncoding: 'hadoop-snappy' }
  }
}

export function snappyJavaFrame(data: Buffer): Buffer {
  const header = Buffer.alloc(16)
  SNAPPY_JAVA_MAGIC.copy(header, 0)
  header.writeInt32BE(1, 8)
  header.writeInt32BE(1, 12)
  const chunks: Buffer[] = [header]
  for (let offset = 0; offset < data.length; offset += SNAPPY_JAVA_BLOCK_BYTES) {
    const block = snappyBlock(data.subarray(offset, offset + SNAPPY_JAVA_BLOCK_BYTES))
    chunks.push(int32(block.length), block)
  }
  return Buffer.concat(chunks)
}

export function hadoopSnappyFrame(data: Buffer): Buffer {
  const chunks: Buffer[] = []
  for (let offset = 0; offset < data.length; offset += HADOOP_SNAPPY_BLOCK_BYTES) {
    const input = data.subarray(offset, offset + HADOOP_SNAPPY_BLOCK_BYTES)
    const block = snappyBlock(input)
    chunks.push(int32(input.length), int32(block.length), block)
  }
  return Buffer.concat(chunks)
}

function int32(value: number): Buffer {
  const bytes = Buffer.alloc(4)
  bytes.writeInt32BE(value, 0)
  return bytes
}
