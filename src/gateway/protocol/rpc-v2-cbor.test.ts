import { decode as decodeReferenceCbor, encode as encodeReferenceCbor } from 'cbor2'
import { describe, expect, it } from 'vitest'
import { AwsError, SerializationException, ValidationException } from '../../aws/index.ts'
import { list, map, structure } from '../../../test/support/shapes.ts'
import { rpcV2CborCodec } from './rpc-v2-cbor.ts'

const codec = rpcV2CborCodec()
const SERVICE = { name: 'S', signingName: 's', protocols: [], operations: new Map() } as const

function serializationMessage(body: Buffer, shape = structure({})): string {
  try {
    codec.readInput(codec.parse(body), shape)
  } catch (error) {
    if (error instanceof AwsError && error.type === 'SerializationException') return error.message
    throw error
  }
  throw new Error('expected a SerializationException')
}

describe('Smithy RPC v2 CBOR codec', () => {
  it('writes dates as tag 1 holding epoch seconds, a float only when they have milliseconds', () => {
    expect(codec.encode({ T: new Date(1700000000000) }).toString('hex')).toBe('bf6154c11a6553f100ff')
    expect(codec.encode({ T: new Date(1700000000123) }).toString('hex')).toBe(
      `bf6154c1fb${float64(1700000000.123).toString('hex')}ff`,
    )
    const decoded = decodeReferenceCbor<{ T: Date }>(codec.encode({ T: new Date(1700000000123) }))
    expect(decoded.T.getTime()).toBe(1700000000123)
  })

  it('reads tag 1 as epoch seconds, integer or fractional, and blobs as byte strings', () => {
    const shape = structure({ A: 'timestamp', B: 'timestamp', C: 'blob' })
    const body = Buffer.from(
      encodeReferenceCbor({
        A: new Date(1700000000000),
        B: new Date(1700000000250),
        C: new Uint8Array([1, 2, 3]),
      }),
    )
    const input = codec.readInput(codec.parse(body), shape)
    expect(input).toEqual({
      A: new Date(1700000000000),
      B: new Date(1700000000250),
      C: Buffer.from([1, 2, 3]),
    })
  })

  it('round-trips nested lists, maps and structures', () => {
    const shape = structure({
      Items: list(
        structure({ Name: 'string', Tags: map('string'), Values: list('double'), At: 'timestamp' }),
      ),
      Count: 'integer',
      On: 'boolean',
    })
    const input = {
      Items: [{ Name: 'a', Tags: { k: 'v' }, Values: [1.5, 2], At: new Date(1700000000001) }, { Name: 'b' }],
      Count: 3,
      On: true,
    }
    expect(codec.readInput(codec.parse(codec.encode(input)), shape)).toEqual(input)
  })

  it('takes an empty body as the empty input, and writes no body for an empty output', () => {
    expect(codec.readInput(codec.parse(Buffer.alloc(0)), structure({ A: 'string' }))).toEqual({})
    expect(codec.encodeChunks(undefined, 'Op', SERVICE, 'id')).toEqual([Buffer.alloc(0)])
    expect(codec.untypedEmptyOutput).toBe(true)
    expect(codec.responseHeaders).toEqual({ 'smithy-protocol': 'rpc-v2-cbor' })
  })

  it('refuses malformed CBOR, and members of the wrong type, with SerializationException', () => {
    expect(() => codec.parse(Buffer.from([0xbf, 0x61]))).toThrow(AwsError)
    expect(
      serializationMessage(Buffer.from(encodeReferenceCbor({ A: 'text' })), structure({ A: 'blob' })),
    ).toBe('class java.lang.String can not be converted to a Blob')
    expect(
      serializationMessage(Buffer.from(encodeReferenceCbor({ A: [1] })), structure({ A: 'timestamp' })),
    ).toBe('Start of list found where not expected')
  })

  it('writes errors as __type (the shape id where the namespace is known) and message', () => {
    const body = codec.encodeError?.(ValidationException('1 validation error detected'), 'id', undefined)
    expect(decodeReferenceCbor(body ?? Buffer.alloc(0))).toEqual({
      __type: 'com.amazon.coral.validate#ValidationException',
      message: '1 validation error detected',
    })
    const serviceError = codec.encodeError?.(
      new AwsError('ResourceNotFoundException', 'gone', 400),
      'id',
      undefined,
    )
    expect(decodeReferenceCbor(serviceError ?? Buffer.alloc(0))).toEqual({
      __type: 'ResourceNotFoundException',
      message: 'gone',
    })
    const bare = codec.encodeError?.(SerializationException(), 'id', undefined)
    expect(decodeReferenceCbor(bare ?? Buffer.alloc(0))).toEqual({
      __type: 'com.amazon.coral.service#SerializationException',
    })
  })
})

function float64(value: number): Buffer {
  const buffer = Buffer.alloc(8)
  buffer.writeDoubleBE(value)
  return buffer
}
