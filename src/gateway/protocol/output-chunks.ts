/**
 * Where the response writers put their bytes: a list of buffers rather than one that grows. A GetRecords page
 * is up to about 14 MB of JSON; a buffer doubled from 1 KiB allocated twice that and copied it once more, and
 * the allocations alone made the garbage collector run. Chunks start small (most responses are) and double up
 * to MAX_CHUNK_BYTES; a value never straddles two chunks.
 */
export class OutputChunks {
  /** The chunk being written, and the first free position in it. */
  protected buffer: Buffer
  protected position = 0
  private readonly filled: Buffer[] = []
  private filledBytes = 0

  constructor(firstChunkBytes: number) {
    this.buffer = Buffer.allocUnsafe(firstChunkBytes)
  }

  /** Makes room for `extra` contiguous bytes at `this.position` of `this.buffer`. */
  protected reserve(extra: number): void {
    if (this.position + extra <= this.buffer.length) return
    if (this.position > 0) {
      this.filled.push(this.buffer.subarray(0, this.position))
      this.filledBytes += this.position
    }
    const next = Math.min(MAX_CHUNK_BYTES, this.buffer.length * 2)
    this.buffer = Buffer.allocUnsafe(Math.max(extra, next))
    this.position = 0
  }

  /** Everything written, as the chunks it was written in (to send without joining them). */
  writtenChunks(): Buffer[] {
    const last = this.buffer.subarray(0, this.position)
    return this.filled.length === 0 ? [last] : [...this.filled, last]
  }

  /** Everything written, as one buffer. */
  writtenBytes(): Buffer {
    if (this.filled.length === 0) return this.buffer.subarray(0, this.position)
    return Buffer.concat(this.writtenChunks(), this.filledBytes + this.position)
  }
}

const MAX_CHUNK_BYTES = 1024 * 1024
