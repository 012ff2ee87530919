import { createRequire } from 'node:module'

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { encodeProduceRequest, type ProduceMessage, type ProduceRequestArguments } from './produce-request.ts'

const require = createRequire(import.meta.url)

/** kafkajs's own Produce v7 request encoder, the model the one-pass encoder must match byte for byte. */
const kafkajsProduceV7 = require('kafkajs/src/protocol/requests/produce/v7/request') as (
  request: ProduceRequestArguments & { compression: number },
) => { encode(): Promise<{ buffer: Buffer }> }

async function kafkajsBytes(request: ProduceRequestArguments): Promise<Buffer> {
  return (await kafkajsProduceV7({ ...request, compression: 0 }).encode()).buffer
}

const bytesOrText = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ unit: 'binary', maxLength: 40 }),
)
// kafkajs cannot size a null header value, so the model comparison leaves them out.
const headerValue = bytesOrText
const message: fc.Arbitrary<ProduceMessage> = fc.record(
  {
    key: fc.oneof(bytesOrText, fc.constant(null)),
    value: fc.oneof(bytesOrText, fc.constant(null)),
    headers: fc.dictionary(
      fc.string({ maxLength: 10 }),
      fc.oneof(headerValue, fc.array(headerValue, { minLength: 1, maxLength: 3 })),
      { maxKeys: 3 },
    ),
    // Thirteen digits, as epoch milliseconds have: kafkajs orders timestamps as text.
    timestamp: fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }),
  },
  { requiredKeys: ['value', 'timestamp'] },
)
const request: fc.Arbitrary<ProduceRequestArguments> = fc.record({
  acks: fc.constantFrom(-1, 0, 1),
  timeout: fc.nat({ max: 60_000 }),
  transactionalId: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
  producerId: fc.bigInt({ min: -1n, max: (1n << 63n) - 1n }),
  producerEpoch: fc.nat({ max: 32_767 }),
  topicData: fc.array(
    fc.record({
      topic: fc.string({ minLength: 1, maxLength: 30 }),
      partitions: fc.array(
        fc.record({
          partition: fc.nat({ max: 1000 }),
          firstSequence: fc.nat({ max: 2 ** 31 - 1 }),
          messages: fc.array(message, { minLength: 1, maxLength: 20 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    }),
    { minLength: 1, maxLength: 3 },
  ),
})

describe('encodeProduceRequest', () => {
  it('writes the bytes kafkajs writes for the same Produce request', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (produce) => {
        expect(encodeProduceRequest(produce).equals(await kafkajsBytes(produce))).toBe(true)
      }),
      { numRuns: 200 },
    )
  })

  it('stamps records without a timestamp with the time given, as deltas from the first', () => {
    const now = 1_750_000_000_000
    const produce: ProduceRequestArguments = {
      acks: -1,
      timeout: 30_000,
      topicData: [
        {
          topic: 't',
          partitions: [
            { partition: 0, messages: [{ value: Buffer.from('a') }, { value: 'b', timestamp: now + 300 }] },
          ],
        },
      ],
    }
    const bytes = encodeProduceRequest(produce, now)
    // transactional id (2) + acks (2) + timeout (4) + topic count (4) + topic (2 + 1) + partition count (4)
    // + partition (4) + record set size (4) = 27; the batch's first timestamp sits 27 bytes into the batch.
    const batch = bytes.subarray(27)
    expect(batch.readBigInt64BE(27)).toBe(BigInt(now))
    expect(batch.readBigInt64BE(35)).toBe(BigInt(now + 300))
    expect(batch.readInt32BE(8)).toBe(batch.length - 12)
  })
})
