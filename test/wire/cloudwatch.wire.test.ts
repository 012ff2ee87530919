// CloudWatch PutMetricData behind the real gateway, driven by @aws-sdk/client-cloudwatch in each protocol it
// speaks (JSON 1.0 by default, RPC v2 CBOR as the Java SDK 2.x and KCL send, query as the AWS CLI and older SDKs
// send) over HTTP/2 and HTTP/1.1; what arrives must show on /metrics with the right names, labels and values.

import http2 from 'node:http2'
import { gzipSync } from 'node:zlib'
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  PutMetricDataCommand,
  type CloudWatchClientConfig,
} from '@aws-sdk/client-cloudwatch'
import { AwsQueryProtocol, AwsSmithyRpcV2CborProtocol } from '@aws-sdk/core/protocols'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { CloudWatchMetrics } from '../../src/adapters/prometheus/cloudwatch-metrics.ts'
import { RequestMetrics } from '../../src/adapters/prometheus/request-metrics.ts'
import { createCloudWatchService } from '../../src/cloudwatch/service.ts'
import { loadConfig } from '../../src/config.ts'
import { createGatewayServer, createLogger, type GatewayServer } from '../../src/gateway/index.ts'
import { metricsRoute } from '../../src/main.ts'

type ProtocolName = 'aws-json-1.0' | 'rpc-v2-cbor' | 'aws-query'
const PROTOCOLS: ProtocolName[] = ['aws-json-1.0', 'rpc-v2-cbor', 'aws-query']
const SERVICE = 'GraniteServiceVersion20100801'

let gateway: GatewayServer
let url: string

beforeAll(async () => {
  const requestMetrics = new RequestMetrics()
  const cloudWatchMetrics = new CloudWatchMetrics()
  gateway = createGatewayServer({
    settings: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
    services: [createCloudWatchService({ metrics: cloudWatchMetrics })],
    healthCheck: () => Promise.resolve({ ok: true, checks: {} }),
    logger: createLogger('silent'),
    routes: [metricsRoute(requestMetrics, cloudWatchMetrics)],
    observeRequest: (request) => {
      requestMetrics.observe(request)
    },
  })
  const { port } = await gateway.listen()
  url = `http://127.0.0.1:${String(port)}`
})

afterAll(async () => {
  await gateway.close()
})

function cloudWatch(protocol: ProtocolName, http1 = false, extra: Partial<CloudWatchClientConfig> = {}) {
  const config: CloudWatchClientConfig = {
    endpoint: url,
    region: 'eu-west-1',
    credentials: { accessKeyId: '123456789012', secretAccessKey: 'test-secret' },
    maxAttempts: 1,
    ...(http1 ? { requestHandler: new NodeHttpHandler() } : {}),
    ...extra,
  }
  if (protocol === 'rpc-v2-cbor') config.protocol = AwsSmithyRpcV2CborProtocol
  if (protocol === 'aws-query') config.protocol = AwsQueryProtocol
  return new CloudWatchClient(config)
}

/** GET /metrics over HTTP/1.1. */
async function scrape(): Promise<{ contentType: string | null; text: string }> {
  const response = await fetch(`${url}/metrics`)
  expect(response.status).toBe(200)
  return { contentType: response.headers.get('content-type'), text: await response.text() }
}

/** The value of the one sample line that starts with `series` (name and labels). */
function sample(text: string, series: string): number | undefined {
  const lines = text.split('\n').filter((line) => line.startsWith(`${series} `))
  expect(lines.length).toBeLessThanOrEqual(1)
  return lines[0] === undefined ? undefined : Number(lines[0].slice(series.length + 1))
}

interface SdkError {
  name: string
  message: string
  Code?: string
  Error?: { Code?: string }
  $metadata: { httpStatusCode?: number }
}

async function rejection(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise
  } catch (error) {
    return error as SdkError
  }
  throw new Error('expected the call to fail')
}

describe.each(PROTOCOLS)('PutMetricData with the SDK over %s', (protocol) => {
  it.each([
    ['HTTP/2', false],
    ['HTTP/1.1', true],
  ])('shows the data on /metrics (%s)', async (version, http1) => {
    const namespace = `app-${protocol}-${version}`
    const client = cloudWatch(protocol, http1)
    try {
      const send = () =>
        client.send(
          new PutMetricDataCommand({
            Namespace: namespace,
            MetricData: [
              {
                MetricName: 'RecordsProcessed',
                Dimensions: [
                  { Name: 'ShardId', Value: 'shardId-000000000000' },
                  { Name: 'Operation', Value: 'ProcessTask' },
                ],
                Timestamp: new Date(),
                StatisticValues: { SampleCount: 4, Sum: 10.5, Minimum: 0.5, Maximum: 5 },
                Unit: 'Count',
                StorageResolution: 60,
              },
              { MetricName: 'Time', Values: [1.5, 4], Counts: [2, 1], Unit: 'Milliseconds' },
              { MetricName: 'Success', Value: 1 },
            ],
          }),
        )
      expect((await send()).$metadata.httpStatusCode).toBe(200)
      await send()
    } finally {
      client.destroy()
    }

    const { contentType, text } = await scrape()
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8')
    const processed =
      `{namespace="${namespace}",metric_name="RecordsProcessed",unit="Count",` +
      'Operation="ProcessTask",ShardId="shardId-000000000000"}'
    expect(sample(text, `cloudwatch_metric_sum${processed}`)).toBe(21)
    expect(sample(text, `cloudwatch_metric_count${processed}`)).toBe(8)
    expect(sample(text, `cloudwatch_metric_minimum${processed}`)).toBe(0.5)
    expect(sample(text, `cloudwatch_metric_maximum${processed}`)).toBe(5)
    const time = `{namespace="${namespace}",metric_name="Time",unit="Milliseconds"}`
    expect(sample(text, `cloudwatch_metric_sum${time}`)).toBe(14)
    expect(sample(text, `cloudwatch_metric_count${time}`)).toBe(6)
    expect(sample(text, `cloudwatch_metric_maximum${time}`)).toBe(4)
    const success = `{namespace="${namespace}",metric_name="Success",unit="None"}`
    expect(sample(text, `cloudwatch_metric_count${success}`)).toBe(2)
  })

  it('answers a namespace of AWS with InvalidParameterValue, recording nothing', async () => {
    const client = cloudWatch(protocol)
    try {
      const error = await rejection(
        client.send(
          new PutMetricDataCommand({
            Namespace: 'AWS/Kinesis',
            MetricData: [{ MetricName: `Refused-${protocol}`, Value: 1 }],
          }),
        ),
      )
      expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
        'InvalidParameterValueException',
        400,
        'The value AWS/ for parameter Namespace is invalid.',
      ])
      // The query code: in the XML of a query answer, in x-amzn-query-error of a JSON or CBOR one.
      expect(error.Error?.Code).toBe('InvalidParameterValue')
    } finally {
      client.destroy()
    }
    expect((await scrape()).text).not.toContain(`Refused-${protocol}`)
  })

  it('answers Value with Values as InvalidParameterCombination', async () => {
    const client = cloudWatch(protocol)
    try {
      const error = await rejection(
        client.send(
          new PutMetricDataCommand({
            Namespace: 'app',
            MetricData: [{ MetricName: 'M', Value: 1.5, Values: [1, 10] }],
          }),
        ),
      )
      expect([error.name, error.Error?.Code, error.message]).toEqual([
        'InvalidParameterCombinationException',
        'InvalidParameterCombination',
        'The parameters MetricData.member.1.Value and MetricData.member.1.Values are mutually exclusive and ' +
          'you have specified both.',
      ])
    } finally {
      client.destroy()
    }
  })

  it('answers another CloudWatch operation as unknown', async () => {
    const client = cloudWatch(protocol)
    try {
      const error = await rejection(client.send(new DescribeAlarmsCommand({})))
      const expected = {
        'rpc-v2-cbor': ['UnknownOperationException', 404],
        'aws-query': ['InvalidAction', 400],
        'aws-json-1.0': ['UnknownOperationException', 400],
      }[protocol]
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(expected)
    } finally {
      client.destroy()
    }
  })
})

describe('PutMetricData as other clients send it', () => {
  it('takes the query form the AWS CLI sends and answers in XML', async () => {
    // `aws cloudwatch put-metric-data --namespace cli-app --metric-name Latency --value 12.5 --unit Milliseconds
    //  --dimensions Host=a.example,Stage=prod` (botocore's query serializer)
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body:
        'Action=PutMetricData&Version=2010-08-01&Namespace=cli-app' +
        '&MetricData.member.1.MetricName=Latency' +
        '&MetricData.member.1.Dimensions.member.1.Name=Host&MetricData.member.1.Dimensions.member.1.Value=a.example' +
        '&MetricData.member.1.Dimensions.member.2.Name=Stage&MetricData.member.1.Dimensions.member.2.Value=prod' +
        '&MetricData.member.1.Value=12.5&MetricData.member.1.Unit=Milliseconds',
    })
    const requestId = response.headers.get('x-amzn-requestid')
    expect(response.status).toBe(200)
    expect(await response.text()).toBe(
      '<PutMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">' +
        `<ResponseMetadata><RequestId>${String(requestId)}</RequestId></ResponseMetadata>` +
        '</PutMetricDataResponse>',
    )
    const { text } = await scrape()
    const labels =
      '{namespace="cli-app",metric_name="Latency",unit="Milliseconds",Host="a.example",Stage="prod"}'
    expect(sample(text, `cloudwatch_metric_sum${labels}`)).toBe(12.5)
    expect(sample(text, `cloudwatch_metric_count${labels}`)).toBe(1)
  })

  it('answers a query error as the AWS CLI reads it', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'Action=PutMetricData&Version=2010-08-01&Namespace=cli-app',
    })
    expect(response.status).toBe(400)
    expect(await response.text()).toBe(
      '<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><Error><Type>Sender</Type>' +
        '<Code>MissingParameter</Code><Message>The parameter MetricData is required.</Message></Error>' +
        `<RequestId>${String(response.headers.get('x-amzn-requestid'))}</RequestId></ErrorResponse>`,
    )
  })

  it('takes a gzip-compressed request, as the SDKs send large ones', async () => {
    const client = cloudWatch('aws-json-1.0', false, { requestMinCompressionSizeBytes: 0 })
    try {
      await client.send(
        new PutMetricDataCommand({
          Namespace: 'gzip-app',
          MetricData: [{ MetricName: 'Compressed', Value: 3 }],
        }),
      )
    } finally {
      client.destroy()
    }
    const labels = '{namespace="gzip-app",metric_name="Compressed",unit="None"}'
    expect(sample((await scrape()).text, `cloudwatch_metric_sum${labels}`)).toBe(3)
  })
})

describe('gzip bodies', () => {
  it('answers 413 to a body that inflates beyond the request limit', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'content-encoding': 'gzip' },
      body: gzipSync(Buffer.alloc(21 * 1024 * 1024, 0x20)),
    })
    expect(response.status).toBe(413)
  })
})

describe('/metrics', () => {
  it('counts the gateway requests by service, operation, status and error type, with their latencies', async () => {
    const client = cloudWatch('rpc-v2-cbor')
    const before = sample((await scrape()).text, requestsSeries(200, '')) ?? 0
    try {
      await client.send(
        new PutMetricDataCommand({ Namespace: 'count-app', MetricData: [{ MetricName: 'M', Value: 1 }] }),
      )
      await rejection(
        client.send(
          new PutMetricDataCommand({ Namespace: 'AWS/X', MetricData: [{ MetricName: 'M', Value: 1 }] }),
        ),
      )
    } finally {
      client.destroy()
    }
    const { text } = await scrape()
    expect(sample(text, requestsSeries(200, ''))).toBe(before + 1)
    expect(sample(text, requestsSeries(400, 'InvalidParameterValueException'))).toBeGreaterThanOrEqual(1)
    const latency = `{service="${SERVICE}",operation="PutMetricData"`
    const count = sample(text, `gateway_request_duration_seconds_count${latency}}`) ?? 0
    expect(count).toBeGreaterThanOrEqual(before + 2)
    expect(sample(text, `gateway_request_duration_seconds_bucket${latency},le="+Inf"}`)).toBe(count)
    expect(text).toContain('# TYPE gateway_request_duration_seconds histogram\n')
    // An operation the gateway does not serve is counted without service and operation, whatever its name.
    expect(text).not.toContain('operation="DescribeAlarms"')
  })

  it('is served over HTTP/2 too, and to HEAD without a body', async () => {
    const session = http2.connect(url)
    try {
      const get = (method: string) =>
        new Promise<{ status: number; contentType: string; body: string }>((resolve, reject) => {
          const stream = session.request({ ':method': method, ':path': '/metrics' })
          let body = ''
          let status = 0
          let contentType = ''
          stream.on('response', (headers) => {
            status = Number(headers[':status'])
            contentType = String(headers['content-type'])
          })
          stream.setEncoding('utf8')
          stream.on('data', (chunk: string) => (body += chunk))
          stream.on('end', () => {
            resolve({ status, contentType, body })
          })
          stream.on('error', reject)
        })
      const response = await get('GET')
      expect([response.status, response.contentType]).toEqual([
        200,
        'text/plain; version=0.0.4; charset=utf-8',
      ])
      expect(response.body).toContain('# TYPE cloudwatch_metric summary\n')
      const head = await get('HEAD')
      expect([head.status, head.body]).toEqual([200, ''])
    } finally {
      session.close()
    }
  })
})

function requestsSeries(status: number, errorType: string): string {
  return (
    `gateway_requests_total{service="${SERVICE}",operation="PutMetricData",status="${String(status)}",` +
    `error_type="${errorType}"}`
  )
}
