import { describe, expect, it } from 'vitest'
import { createDispatcher } from './dispatch.ts'
import { AwsError, defineService, EMPTY_INPUT, type Operation } from '../aws/index.ts'

const describeLimits: Operation = {
  name: 'DescribeLimits',
  input: EMPTY_INPUT,
  handle: () => Promise.resolve({}),
}
const kinesis = defineService({
  name: 'Kinesis_20131202',
  signingName: 'kinesis',
  protocols: ['aws-json-1.1', 'aws-cbor-1.1'],
  operations: [describeLimits],
})
const firehose = defineService({
  name: 'Firehose_20150804',
  signingName: 'firehose',
  protocols: ['aws-json-1.1'],
  operations: [],
})
const JSON_1_1 = ['aws-json-1.1'] as const

function routeError(target: string | undefined): AwsError {
  try {
    createDispatcher([kinesis, firehose]).route(target, JSON_1_1)
  } catch (error) {
    if (error instanceof AwsError) return error
    throw error
  }
  throw new Error(`expected ${String(target)} to be unknown`)
}

function thrown(call: () => unknown): AwsError {
  try {
    call()
  } catch (error) {
    if (error instanceof AwsError) return error
    throw error
  }
  throw new Error('expected an AwsError')
}

describe('dispatcher', () => {
  it('routes <service name>.<operation> to the operation', () => {
    const route = createDispatcher([kinesis, firehose]).route('Kinesis_20131202.DescribeLimits', JSON_1_1)
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

  it('routes only requests in a protocol the service speaks', () => {
    const dispatcher = createDispatcher([kinesis, firehose])
    expect(dispatcher.find('Kinesis_20131202.DescribeLimits', ['aws-cbor-1.1'])?.operation).toBe(
      describeLimits,
    )
    expect(dispatcher.find('Kinesis_20131202.DescribeLimits', ['aws-json-1.0'])).toBeUndefined()
    expect(() => dispatcher.route('Kinesis_20131202.DescribeLimits', ['rpc-v2-cbor'])).toThrow(AwsError)
  })

  describe('by RPC v2 path', () => {
    const cloudWatch = defineService({
      name: 'GraniteServiceVersion20100801',
      signingName: 'monitoring',
      protocols: ['rpc-v2-cbor'],
      operations: [{ ...describeLimits, name: 'ListMetrics' }],
    })
    const dispatcher = createDispatcher([kinesis, cloudWatch])
    const RPC_V2 = ['rpc-v2-cbor'] as const

    it.each([
      '/service/GraniteServiceVersion20100801/operation/ListMetrics',
      '/prefix/v1/service/GraniteServiceVersion20100801/operation/ListMetrics',
      '/service/com.amazonaws.cloudwatch.GraniteServiceVersion20100801/operation/ListMetrics',
      '/service/GraniteServiceVersion20100801/operation/ListMetrics?x=1',
    ])('routes %s', (path) => {
      expect(dispatcher.routePath(path, RPC_V2).service).toBe(cloudWatch)
    })

    it.each([
      undefined,
      '/',
      '/service/GraniteServiceVersion20100801/operation/ListMetrics/',
      '/service/GraniteServiceVersion20100801/operation/Nope',
      '/service/Nope/operation/ListMetrics',
      '/service/Kinesis_20131202/operation/DescribeLimits',
      '/service/com.amazonaws.cloudwatch#GraniteServiceVersion20100801/operation/ListMetrics',
    ])('answers %s with 404 UnknownOperationException', (path) => {
      const error = thrown(() => dispatcher.routePath(path, RPC_V2))
      expect([error.type, error.status]).toEqual(['UnknownOperationException', 404])
    })
  })

  describe('by query Action and Version', () => {
    const cloudWatch = defineService({
      name: 'GraniteServiceVersion20100801',
      signingName: 'monitoring',
      protocols: ['aws-query'],
      query: { version: '2010-08-01', xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/' },
      operations: [{ ...describeLimits, name: 'ListMetrics' }],
    })
    const dispatcher = createDispatcher([kinesis, cloudWatch])
    const QUERY = ['aws-query'] as const

    it('routes to the service answering the version', () => {
      expect(dispatcher.routeAction('ListMetrics', '2010-08-01', QUERY).service).toBe(cloudWatch)
    })

    it.each([
      [undefined, '2010-08-01', 'MissingAction'],
      ['ListMetrics', undefined, 'MissingParameter'],
      ['ListMetrics', '2099-01-01', 'NoSuchVersion'],
      ['DescribeAlarms', '2010-08-01', 'InvalidAction'],
    ])('answers Action=%s Version=%s with %s (400)', (action, version, type) => {
      const error = thrown(() => dispatcher.routeAction(action, version, QUERY))
      expect([error.type, error.status]).toEqual([type, 400])
    })

    it('refuses two services answering the same query version', () => {
      expect(() => createDispatcher([cloudWatch, { ...cloudWatch, name: 'Other' }])).toThrow(/both answer/)
    })
  })

  it('refuses a service that speaks aws-query without a version', () => {
    expect(() =>
      defineService({ name: 'Q', signingName: 'q', protocols: ['aws-query'], operations: [] }),
    ).toThrow(/query version/)
  })

  it('refuses two services with the same prefix, and an operation defined twice', () => {
    expect(() => createDispatcher([kinesis, kinesis])).toThrow(/registered twice/)
    expect(() =>
      defineService({
        name: 'X',
        signingName: 'x',
        protocols: ['aws-json-1.1'],
        operations: [describeLimits, describeLimits],
      }),
    ).toThrow(/twice/)
  })
})
