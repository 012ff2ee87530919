import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import {
  compilePrefix,
  deliveryPrefix,
  errorPrefix,
  MissingPartitionKeyError,
  objectKey,
  objectNaming,
  partitionOf,
  PrefixSyntaxError,
  randomString,
  s3PrefixViolation,
  type ObjectNamingConfig,
} from './object-keys.ts'

// 2026-07-13T14:05:09.123Z
const AT = Date.UTC(2026, 6, 13, 14, 5, 9, 123)
const UUID = '0b6f1f3e-8d2c-4c41-9a55-2f4b7c2f9e10'

function keyFor(config: Partial<ObjectNamingConfig>, partitionKeys?: Record<string, string>): string {
  const naming = objectNaming({ deliveryStreamName: 'orders', versionId: '3', ...config })
  const values = { timestamp: AT, partitionKeys, uuid: () => UUID, randomString: () => 'abcdefghijk' }
  return objectKey(naming, deliveryPrefix(naming, values), values)
}

describe('object keys', () => {
  it('uses yyyy/MM/dd/HH/ without a Prefix', () => {
    expect(keyFor({})).toBe(`2026/07/13/14/orders-3-2026-07-13-14-05-09-${UUID}`)
    expect(keyFor({ prefix: '' })).toBe(`2026/07/13/14/orders-3-2026-07-13-14-05-09-${UUID}`)
  })

  it('appends yyyy/MM/dd/HH/ to a Prefix without expressions, with no slash inserted', () => {
    expect(keyFor({ prefix: 'logs' })).toBe(`logs2026/07/13/14/orders-3-2026-07-13-14-05-09-${UUID}`)
    expect(keyFor({ prefix: 'logs/' })).toBe(`logs/2026/07/13/14/orders-3-2026-07-13-14-05-09-${UUID}`)
  })

  it('evaluates expressions and appends nothing', () => {
    expect(keyFor({ prefix: "year=!{timestamp:yyyy}/day=!{timestamp:dd}/!{timestamp:'h'HH}" })).toBe(
      `year=2026/day=13/h14orders-3-2026-07-13-14-05-09-${UUID}`,
    )
    expect(keyFor({ prefix: 'r/!{firehose:random-string}/' })).toBe(
      `r/abcdefghijk/orders-3-2026-07-13-14-05-09-${UUID}`,
    )
  })

  it('fills partition keys from the query or the Lambda', () => {
    expect(
      keyFor(
        { prefix: 'k1=!{partitionKeyFromQuery:key1}/k2=!{partitionKeyFromLambda:key2}/' },
        { key1: 'a', key2: 'B' },
      ),
    ).toBe(`k1=a/k2=B/orders-3-2026-07-13-14-05-09-${UUID}`)
    expect(() => keyFor({ prefix: 'k=!{partitionKeyFromQuery:missing}/' }, {})).toThrow(
      MissingPartitionKeyError,
    )
  })

  it('gives the extension of the compression, or FileExtension instead', () => {
    expect(keyFor({ compression: 'GZIP' })).toMatch(/\.gz$/)
    expect(keyFor({ compression: 'ZIP' })).toMatch(/\.zip$/)
    expect(keyFor({ compression: 'Snappy' })).toMatch(/\.snappy$/)
    expect(keyFor({ compression: 'HADOOP_SNAPPY' })).toMatch(/\.snappy$/)
    expect(keyFor({ compression: 'UNCOMPRESSED' })).toMatch(new RegExp(`${UUID}$`))
    expect(keyFor({ compression: 'GZIP', fileExtension: '.json.gz' })).toMatch(/-[0-9a-f-]{36}\.json\.gz$/)
    expect(keyFor({ compression: 'GZIP', fileExtension: '' })).toMatch(/\.gz$/)
  })

  it('applies CustomTimeZone to the prefix and to the key', () => {
    // 14:05 UTC is 23:05 in Tokyo.
    expect(keyFor({ customTimeZone: 'Asia/Tokyo' })).toBe(
      `2026/07/13/23/orders-3-2026-07-13-23-05-09-${UUID}`,
    )
    // Past midnight in Los Angeles' daylight saving time: 07:05 the same day.
    expect(
      keyFor({ customTimeZone: 'America/Los_Angeles', prefix: '!{timestamp:yyyy-MM-dd HH:mm a E}/' }),
    ).toBe(`2026-07-13 07:05 AM Mon/orders-3-2026-07-13-07-05-09-${UUID}`)
  })

  it('names error objects under ErrorOutputPrefix with the error output type', () => {
    const naming = (config: Partial<ObjectNamingConfig>) =>
      objectNaming({ deliveryStreamName: 'orders', versionId: '1', ...config })
    const values = { timestamp: AT }
    expect(errorPrefix(naming({}), 'processing-failed', values)).toBe('processing-failed/2026/07/13/14/')
    expect(errorPrefix(naming({ prefix: 'logs/' }), 'processing-failed', values)).toBe(
      'logs/processing-failed/2026/07/13/14/',
    )
    expect(
      errorPrefix(
        naming({
          prefix: 'k=!{partitionKeyFromQuery:k}/',
          errorOutputPrefix: 'err/!{firehose:error-output-type}/',
        }),
        'partitioning-failed',
        values,
      ),
    ).toBe('err/partitioning-failed/')
    expect(
      errorPrefix(
        naming({ errorOutputPrefix: "e/!{timestamp:'year='yyyy}/!{firehose:error-output-type}" }),
        'http-endpoint-failed',
        values,
      ),
    ).toBe('e/year=2026/http-endpoint-failed')
  })

  it('always has the documented shape, whatever the time, zone and prefix', () => {
    const zones = ['UTC', 'Asia/Tokyo', 'America/New_York', 'Australia/Adelaide', 'Asia/Kolkata']
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) }),
        fc.constantFrom(...zones),
        fc.stringMatching(/^[a-zA-Z0-9/=_-]{0,20}$/),
        fc.constantFrom('UNCOMPRESSED', 'GZIP', 'ZIP', 'Snappy', 'HADOOP_SNAPPY'),
        (timestamp, zone, prefix, compression) => {
          const naming = objectNaming({
            deliveryStreamName: 'a.b_c-d',
            versionId: '12',
            prefix,
            customTimeZone: zone,
            compression,
          })
          const evaluated = deliveryPrefix(naming, { timestamp })
          const key = objectKey(naming, evaluated, { timestamp })
          expect(evaluated.startsWith(prefix)).toBe(true)
          expect(evaluated.slice(prefix.length)).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\d{2}\/$/)
          const match =
            /^a\.b_c-d-12-(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-[0-9a-f-]{36}(\.gz|\.zip|\.snappy)?$/.exec(
              key.slice(evaluated.length),
            )
          expect(match).not.toBeNull()
          // The prefix's hour and the key's hour are the same instant in the same zone.
          expect(evaluated.slice(prefix.length)).toBe(`${match?.slice(1, 5).join('/') ?? ''}/`)
          // The wall time names the instant: it differs from UTC by the zone's offset at that instant.
          const wall = Date.UTC(
            Number(match?.[1]),
            Number(match?.[2]) - 1,
            Number(match?.[3]),
            Number(match?.[4]),
            Number(match?.[5]),
            Number(match?.[6]),
          )
          const offsetMinutes = (wall - Math.floor(timestamp / 1000) * 1000) / 60_000
          expect(Math.abs(offsetMinutes)).toBeLessThanOrEqual(14 * 60)
          if (zone === 'UTC') expect(offsetMinutes).toBe(0)
        },
      ),
    )
  })

  it('draws a fresh 11-character random string for every occurrence', () => {
    const naming = objectNaming({
      deliveryStreamName: 's',
      versionId: '1',
      prefix: '!{firehose:random-string}/!{firehose:random-string}/',
    })
    const [first, second] = deliveryPrefix(naming, { timestamp: AT }).split('/')
    expect(first).toMatch(/^[a-z0-9]{11}$/)
    expect(second).toMatch(/^[a-z0-9]{11}$/)
    expect(first).not.toBe(second)
    expect(randomString()).toHaveLength(11)
  })

  it('evaluates every timestamp occurrence at the same instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) }), (timestamp) => {
        const naming = objectNaming({
          deliveryStreamName: 's',
          versionId: '1',
          prefix: '!{timestamp:yyyy-MM-dd-HH-mm-ss}|!{timestamp:yyyy-MM-dd-HH-mm-ss}',
        })
        const [a, b] = deliveryPrefix(naming, { timestamp }).split('|')
        expect(a).toBe(b)
        expect(a).toBe(new Date(timestamp).toISOString().slice(0, 19).replace(/[T:]/g, '-'))
      }),
    )
  })
})

describe('partitionOf', () => {
  it('separates records by partition keys and by the time the prefix names', () => {
    const prefix = compilePrefix('c=!{partitionKeyFromQuery:c}/h=!{timestamp:HH}/')
    const at = (hour: number) => Date.UTC(2026, 0, 1, hour)
    expect(
      partitionOf(prefix, { approximateArrivalTimestamp: at(1), partitionKeys: { c: 'x' } }, 'UTC'),
    ).toBe(
      partitionOf(prefix, { approximateArrivalTimestamp: at(1) + 60_000, partitionKeys: { c: 'x' } }, 'UTC'),
    )
    expect(
      partitionOf(prefix, { approximateArrivalTimestamp: at(1), partitionKeys: { c: 'x' } }, 'UTC'),
    ).not.toBe(partitionOf(prefix, { approximateArrivalTimestamp: at(2), partitionKeys: { c: 'x' } }, 'UTC'))
    expect(
      partitionOf(prefix, { approximateArrivalTimestamp: at(1), partitionKeys: { c: 'x' } }, 'UTC'),
    ).not.toBe(partitionOf(prefix, { approximateArrivalTimestamp: at(1), partitionKeys: { c: 'y' } }, 'UTC'))
    expect(() => partitionOf(prefix, { approximateArrivalTimestamp: at(1) }, 'UTC')).toThrow(
      MissingPartitionKeyError,
    )
  })
})

describe('compilePrefix', () => {
  it('refuses !{ outside an expression', () => {
    for (const prefix of ['a/!{', 'a/!{timestamp}', '!{nope:x}', '!{firehose:other}', '!{timestamp:}']) {
      expect(() => compilePrefix(prefix), prefix).toThrow(PrefixSyntaxError)
    }
    expect(compilePrefix('plain/{}!').expressions).toBe(false)
  })
})

describe('s3PrefixViolation', () => {
  it('accepts valid combinations', () => {
    expect(s3PrefixViolation({})).toBeUndefined()
    expect(s3PrefixViolation({ Prefix: 'logs/' })).toBeUndefined()
    expect(
      s3PrefixViolation({
        Prefix: '!{timestamp:yyyy}/',
        ErrorOutputPrefix: 'e/!{firehose:error-output-type}/',
      }),
    ).toBeUndefined()
    expect(s3PrefixViolation({ Prefix: 'logs/', ErrorOutputPrefix: 'errors/' })).toBeUndefined()
    expect(
      s3PrefixViolation({
        Prefix: 'k=!{partitionKeyFromQuery:k}/',
        ErrorOutputPrefix: 'e/!{firehose:error-output-type}/',
        DynamicPartitioningEnabled: true,
      }),
    ).toBeUndefined()
  })

  it('answers AWS words for the rules it breaks', () => {
    expect(s3PrefixViolation({ Prefix: '!{timestamp:yyyy}/' })).toBe(
      'Ths supplied prefix(es) do not satisfy the following constraint: ErrorOutputPrefix cannot be null or empty when Prefix contains expressions',
    )
    expect(s3PrefixViolation({ Prefix: '!{timestamp:yyyy}/', ErrorOutputPrefix: '' })).toMatch(
      /ErrorOutputPrefix cannot be null or empty/,
    )
    expect(
      s3PrefixViolation({
        Prefix: 'k=!{partitionKeyFromQuery:k}/',
        ErrorOutputPrefix: 'e/!{firehose:error-output-type}',
      }),
    ).toBe(
      'Dynamic Partitioning Namespaces can only be part of a prefix expression when Dynamic Partitioning is enabled.',
    )
    expect(s3PrefixViolation({ Prefix: '!{firehose:error-output-type}/', ErrorOutputPrefix: 'e/' })).toMatch(
      /Prefix cannot contain the firehose:error-output-type/,
    )
    expect(s3PrefixViolation({ Prefix: 'a/', ErrorOutputPrefix: 'e/!{timestamp:yyyy}/' })).toMatch(
      /ErrorOutputPrefix must contain the firehose:error-output-type/,
    )
    expect(s3PrefixViolation({ Prefix: 'a/!{oops' })).toMatch(/'!\{' can only appear/)
    expect(s3PrefixViolation({ Prefix: '!{timestamp:yyyy-qq}', ErrorOutputPrefix: 'e' })).toMatch(
      /DateTimeFormatter/,
    )
    expect(
      s3PrefixViolation({ Prefix: 'a/', ErrorOutputPrefix: '', DynamicPartitioningEnabled: true }),
    ).toMatch(/ErrorOutputPrefix cannot be null or empty/)
    expect(
      s3PrefixViolation({
        Prefix: '!{timestamp:yyyy}/',
        ErrorOutputPrefix: 'e/!{firehose:error-output-type}/',
        DynamicPartitioningEnabled: true,
      }),
    ).toBe('S3 Prefix should contain Dynamic Partitioning namespaces when Dynamic Partitioning is enabled')
    expect(
      s3PrefixViolation({
        Prefix: 'k=!{partitionKeyFromQuery:k}/',
        ErrorOutputPrefix: 'e/!{firehose:error-output-type}/!{partitionKeyFromQuery:k}/',
        DynamicPartitioningEnabled: true,
      }),
    ).toBe("Dynamic Partitioning Namespaces can't be part of an error prefix expression")
  })
})
