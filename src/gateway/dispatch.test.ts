import { describe, expect, it } from 'vitest'
import { createDispatcher } from './dispatch.ts'
import { AwsError } from './errors.ts'
import { EMPTY_STRUCTURE } from './protocol/shape.ts'
import { defineService, type Operation } from './service.ts'

const describeLimits: Operation = {
  name: 'DescribeLimits',
  input: EMPTY_STRUCTURE,
  handle: () => Promise.resolve({}),
}
const kinesis = defineService({
  targetPrefix: 'Kinesis_20131202',
  signingName: 'kinesis',
  operations: [describeLimits],
})
const firehose = defineService({ targetPrefix: 'Firehose_20150804', signingName: 'firehose', operations: [] })

function routeError(target: string | undefined): AwsError {
  try {
    createDispatcher([kinesis, firehose]).route(target)
  } catch (error) {
    if (error instanceof AwsError) return error
    throw error
  }
  throw new Error(`expected ${String(target)} to be unknown`)
}

describe('dispatcher', () => {
  it('routes <targetPrefix>.<operation> to the operation', () => {
    const route = createDispatcher([kinesis, firehose]).route('Kinesis_20131202.DescribeLimits')
    expect(route.service).toBe(kinesis)
    expect(route.operation).toBe(describeLimits)
  })

  it.each([
    ['a missing target', undefined],
    ['an empty target', ''],
    ['a target without a dot', 'Kinesis_20131202'],
    ['an unknown service', 'Kinesis_20991231.DescribeLimits'],
    ['an unknown operation', 'Kinesis_20131202.DescribeLimitz'],
    ['an operation of another service', 'Firehose_20150804.DescribeLimits'],
    ['a trailing part', 'Kinesis_20131202.DescribeLimits.Extra'],
  ])('answers %s with UnknownOperationException (400)', (_case, target) => {
    const error = routeError(target)
    expect(error.type).toBe('UnknownOperationException')
    expect(error.status).toBe(400)
  })

  it('refuses two services with the same prefix, and an operation defined twice', () => {
    expect(() => createDispatcher([kinesis, kinesis])).toThrow(/registered twice/)
    expect(() =>
      defineService({ targetPrefix: 'X', signingName: 'x', operations: [describeLimits, describeLimits] }),
    ).toThrow(/twice/)
  })
})
