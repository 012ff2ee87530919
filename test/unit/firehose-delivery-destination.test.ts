import type { DeliveryStreamDescription } from '@aws-sdk/client-firehose'
import { describe, expect, it } from 'vitest'

import { workerOptionsFor } from '../../src/firehose-delivery.ts'
import type { DeliveryStreamRecord } from '../../src/ports/delivery-streams.ts'
import type { HttpPoster } from '../../src/ports/http-poster.ts'
import { FakeClock } from '../support/fake-clock.ts'

const ARN = 'arn:aws:firehose:us-east-1:123456789012:deliverystream/to-http'

function httpEndpointStream(accessKey: string | undefined): DeliveryStreamRecord {
  const description: DeliveryStreamDescription = {
    DeliveryStreamName: 'to-http',
    DeliveryStreamARN: ARN,
    DeliveryStreamStatus: 'ACTIVE',
    DeliveryStreamType: 'DirectPut',
    VersionId: '1',
    CreateTimestamp: new Date(Date.UTC(2026, 0, 1)),
    HasMoreDestinations: false,
    Destinations: [
      {
        DestinationId: 'destinationId-000000000001',
        HttpEndpointDestinationDescription: {
          // As Describe shows it: the access key is never there.
          EndpointConfiguration: { Url: 'https://collector.example/ingest', Name: 'collector' },
        },
      },
    ],
  }
  return {
    account: '123456789012',
    region: 'us-east-1',
    topic: 't',
    description,
    ...(accessKey === undefined ? {} : { httpEndpointAccessKey: accessKey }),
  }
}

async function headersSent(stream: DeliveryStreamRecord): Promise<Readonly<Record<string, string>>> {
  const sent: Readonly<Record<string, string>>[] = []
  const http: HttpPoster = {
    post(_url, headers, body) {
      sent.push(headers)
      const { requestId } = JSON.parse(body.toString()) as { requestId: string }
      return Promise.resolve({ status: 200, body: Buffer.from(JSON.stringify({ requestId, timestamp: 0 })) })
    },
  }
  const { destination } = await workerOptionsFor(stream, {
    http,
    clock: new FakeClock(Date.UTC(2026, 0, 1)),
    lambda: undefined,
    tableSchemas: undefined,
  })
  expect(destination).toBeDefined()
  await destination?.deliver({
    records: [{ data: Buffer.from('a'), approximateArrivalTimestamp: Date.UTC(2026, 0, 1) }],
    oldestArrival: Date.UTC(2026, 0, 1),
    partitionKeys: undefined,
    signal: new AbortController().signal,
  })
  expect(sent).toHaveLength(1)
  return sent[0] ?? {}
}

describe('the HTTP endpoint destination of a delivery stream the catalog lists', () => {
  it('sends the access key the catalog keeps (Describe never shows it) as X-Amz-Firehose-Access-Key', async () => {
    const headers = await headersSent(httpEndpointStream('collector-key'))
    expect(headers['X-Amz-Firehose-Access-Key']).toBe('collector-key')
    expect(headers['X-Amz-Firehose-Source-Arn']).toBe(ARN)
  })

  it('sends no access key when none is configured', async () => {
    const headers = await headersSent(httpEndpointStream(undefined))
    expect(Object.keys(headers)).not.toContain('X-Amz-Firehose-Access-Key')
  })
})
