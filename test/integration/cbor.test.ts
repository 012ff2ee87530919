import { connect, type ClientHttp2Session } from 'node:http2'

import { decode, encode, Tag } from 'cbor2'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

import { startTestGateway, testAccountId, type TestGateway } from './fixture/gateway.ts'
import { uniqueName } from './fixture/names.ts'

// AWS CBOR 1.1 carries epoch milliseconds under tag 1 (the Java SDKs' convention), not RFC 8949's seconds.
Tag.registerDecoder(1, (tag) => new Date(tag.contents as number))

interface CborResponse {
  status: number
  errorType: string | undefined
  body: Record<string, unknown>
}

describe('raw AWS CBOR 1.1 over HTTP/2 with prior knowledge, as the Java SDK v2 and the KCL send it', () => {
  const stack = inject('stack')
  const accountId = testAccountId()
  let gateway: TestGateway
  let session: ClientHttp2Session

  beforeAll(async () => {
    gateway = await startTestGateway(stack)
    session = connect(gateway.endpoint)
  })

  afterAll(async () => {
    session.close()
    await gateway.stop()
  })

  function call(operation: string, input: Record<string, unknown>): Promise<CborResponse> {
    return new Promise((resolve, reject) => {
      const request = session.request({
        ':method': 'POST',
        ':path': '/',
        'content-type': 'application/x-amz-cbor-1.1',
        'x-amz-target': `Kinesis_20131202.${operation}`,
        authorization: `AWS4-HMAC-SHA256 Credential=${accountId}/20261126/us-west-2/kinesis/aws4_request, SignedHeaders=host, Signature=0`,
      })
      const chunks: Buffer[] = []
      let status = 0
      let errorType: string | undefined
      request.on('response', (headers) => {
        status = Number(headers[':status'])
        const type = headers['x-amzn-errortype']
        errorType = typeof type === 'string' ? type.split(':')[0] : undefined
      })
      request.on('data', (chunk: Buffer) => chunks.push(chunk))
      request.on('end', () => {
        const body = Buffer.concat(chunks)
        resolve({
          status,
          errorType,
          body: body.length === 0 ? {} : decode<Record<string, unknown>>(body),
        })
      })
      request.on('error', reject)
      request.end(Buffer.from(encode(input)))
    })
  }

  it('creates a stream, writes blobs and reads them back with tag 1 timestamps', async () => {
    const streamName = uniqueName('cbor')
    expect((await call('CreateStream', { StreamName: streamName, ShardCount: 1 })).status).toBe(200)
    for (let attempt = 0; attempt < 100; attempt++) {
      const summary = await call('DescribeStreamSummary', { StreamName: streamName })
      const description = summary.body.StreamDescriptionSummary as {
        StreamStatus: string
        StreamCreationTimestamp: Date
      }
      expect(description.StreamCreationTimestamp).toBeInstanceOf(Date)
      expect(Math.abs(description.StreamCreationTimestamp.getTime() - Date.now())).toBeLessThan(60_000)
      if (description.StreamStatus === 'ACTIVE') break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }

    const data = Uint8Array.from([0, 1, 2, 250, 255])
    const put = await call('PutRecord', { StreamName: streamName, PartitionKey: 'binary', Data: data })
    expect(put.status).toBe(200)
    expect(put.body.ShardId).toBe('shardId-000000000000')

    const iterator = await call('GetShardIterator', {
      StreamName: streamName,
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'AT_TIMESTAMP',
      Timestamp: Date.now() - 60_000,
    })
    const records = await call('GetRecords', { ShardIterator: iterator.body.ShardIterator, Limit: 10 })
    const [record] = records.body.Records as {
      Data: Uint8Array
      ApproximateArrivalTimestamp: Date
      SequenceNumber: string
    }[]
    expect(Buffer.from(record?.Data ?? []).equals(Buffer.from(data))).toBe(true)
    expect(record?.SequenceNumber).toBe(put.body.SequenceNumber)
    expect(Math.abs((record?.ApproximateArrivalTimestamp.getTime() ?? 0) - Date.now())).toBeLessThan(60_000)

    expect((await call('DeleteStream', { StreamName: streamName })).status).toBe(200)
  })

  it('answers errors in CBOR with AWS types and messages', async () => {
    const streamName = uniqueName('cbor-missing')
    const missing = await call('DescribeStream', { StreamName: streamName })
    expect(missing.status).toBe(400)
    expect(missing.errorType).toBe('ResourceNotFoundException')
    expect(missing.body).toEqual({
      __type: 'ResourceNotFoundException',
      message: `Stream ${streamName} under account ${accountId} not found.`,
    })

    const invalid = await call('CreateStream', { StreamName: 'bad name!', ShardCount: 0 })
    expect(invalid.errorType).toBe('ValidationException')
    expect(invalid.body.message).toMatch(/^2 validation errors detected: /)
  })
})
