import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  ListMetricsCommand,
  PutMetricDataCommand,
  type CloudWatchClientConfig,
  type MetricDatum,
} from '@aws-sdk/client-cloudwatch'
import { AwsQueryProtocol, AwsSmithyRpcV2CborProtocol } from '@aws-sdk/core/protocols'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  defineOperation,
  defineService,
  type ScalarShape,
  type Shape,
  type StructureShape,
} from '../aws/index.ts'
import { decodeCbor } from './protocol/cbor-reader.ts'
import { encodeCbor } from './protocol/cbor-writer.ts'
import { createLogger } from './logger.ts'
import { createGatewayServer, type GatewayServer } from './server.ts'

// A CloudWatch-like service declaring what the real one speaks: Smithy RPC v2 CBOR, AWS query and AWS JSON 1.0.
// PutMetricData's input transcribes PutMetricDataInput of the CloudWatch service model.

const STANDARD_UNITS = [
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
]

const DOUBLE: ScalarShape = { type: 'double' }
const REQUIRED_DOUBLE: ScalarShape = { type: 'double', required: true }
const DIMENSION: StructureShape = {
  type: 'structure',
  members: {
    Name: { type: 'string', required: true, minLength: 1, maxLength: 255 },
    Value: { type: 'string', required: true, minLength: 1, maxLength: 1024 },
  },
}
const DIMENSIONS: Shape = { type: 'list', maxLength: 30, member: DIMENSION }
const METRIC_DATUM: StructureShape = {
  type: 'structure',
  members: {
    MetricName: { type: 'string', required: true, minLength: 1, maxLength: 255 },
    Dimensions: DIMENSIONS,
    Timestamp: { type: 'timestamp' },
    Value: DOUBLE,
    StatisticValues: {
      type: 'structure',
      members: {
        SampleCount: REQUIRED_DOUBLE,
        Sum: REQUIRED_DOUBLE,
        Minimum: REQUIRED_DOUBLE,
        Maximum: REQUIRED_DOUBLE,
      },
    },
    Values: { type: 'list', member: DOUBLE },
    Counts: { type: 'list', member: DOUBLE },
    Unit: { type: 'string', enum: STANDARD_UNITS },
    StorageResolution: { type: 'integer', min: 1 },
  },
}
const NAMESPACE: ScalarShape = { type: 'string', minLength: 1, maxLength: 255, pattern: '[^:].*' }

interface Call {
  operation: string
  input: Record<string, unknown>
}

function createFakeCloudWatch() {
  const calls: Call[] = []
  const service = defineService({
    name: 'GraniteServiceVersion20100801',
    signingName: 'monitoring',
    protocols: ['rpc-v2-cbor', 'aws-query', 'aws-json-1.0'],
    query: { version: '2010-08-01', xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/' },
    operations: [
      defineOperation({
        name: 'PutMetricData',
        input: {
          Namespace: { ...NAMESPACE, required: true },
          MetricData: { type: 'list', required: true, member: METRIC_DATUM },
        },
        handle(input: Record<string, unknown>) {
          calls.push({ operation: 'PutMetricData', input })
          return Promise.resolve(undefined)
        },
      }),
      defineOperation({
        name: 'ListMetrics',
        input: {
          Namespace: NAMESPACE,
          MetricName: { type: 'string', minLength: 1, maxLength: 255 },
          NextToken: { type: 'string' },
        },
        handle(input: Record<string, unknown>) {
          calls.push({ operation: 'ListMetrics', input })
          return Promise.resolve(LIST_METRICS_OUTPUT)
        },
      }),
    ],
  })
  return { service, calls }
}

const LIST_METRICS_OUTPUT = {
  Metrics: [
    {
      Namespace: 'KCL',
      MetricName: 'Time & <Latency>',
      Dimensions: [
        { Name: 'Operation', Value: 'ProcessTask' },
        { Name: 'ShardId', Value: 'shardId-000000000001' },
      ],
    },
    { Namespace: 'KCL', MetricName: 'Success', Dimensions: [] },
  ],
  NextToken: 'next-page',
}

const TIMESTAMP = new Date('2024-05-06T07:08:09.123Z')

const METRIC_DATA: MetricDatum[] = [
  {
    MetricName: 'RecordsProcessed',
    Dimensions: [
      { Name: 'Operation', Value: 'ProcessTask' },
      { Name: 'ShardId', Value: 'shardId-000000000000' },
    ],
    Timestamp: TIMESTAMP,
    Value: 42.5,
    Unit: 'Count',
    StorageResolution: 60,
  },
  {
    MetricName: 'Time',
    Dimensions: [{ Name: 'Operation', Value: 'ProcessTask' }],
    Timestamp: TIMESTAMP,
    Values: [1.5, 2, 250.25],
    Counts: [3, 1, 7],
    Unit: 'Milliseconds',
  },
  {
    MetricName: 'Latency',
    StatisticValues: { SampleCount: 4, Sum: 10.5, Minimum: 0.5, Maximum: 5 },
    Unit: 'Milliseconds',
  },
]

type ProtocolName = 'rpc-v2-cbor' | 'aws-query' | 'aws-json-1.0'

/** The real SDK client, speaking the protocol asked for (its default, in this SDK version, is AWS JSON 1.0). */
function cloudWatch(url: string, protocol: ProtocolName, http1 = false): CloudWatchClient {
  const config: CloudWatchClientConfig = {
    endpoint: url,
    region: 'eu-west-1',
    credentials: { accessKeyId: '123456789012', secretAccessKey: 'test-secret' },
    maxAttempts: 1,
    ...(http1 ? { requestHandler: new NodeHttpHandler() } : {}),
  }
  if (protocol === 'rpc-v2-cbor') config.protocol = AwsSmithyRpcV2CborProtocol
  if (protocol === 'aws-query') config.protocol = AwsQueryProtocol
  return new CloudWatchClient(config)
}

interface SdkError {
  name: string
  message: string
  Error?: { Code?: string; Type?: string }
  $metadata: { httpStatusCode?: number; requestId?: string }
}

async function rejection(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise
  } catch (error) {
    return error as SdkError
  }
  throw new Error('expected the call to fail')
}

interface RawResponse {
  status: number
  headers: Record<string, string>
  bytes: Buffer
  body: string
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

describe('RPC v2 CBOR and AWS query on the wire', () => {
  let gateway: GatewayServer
  let url: string
  let fake: ReturnType<typeof createFakeCloudWatch>
  const logs: string[] = []

  beforeAll(async () => {
    fake = createFakeCloudWatch()
    gateway = createGatewayServer({
      settings: {
        port: 0,
        host: '127.0.0.1',
        tls: undefined,
        defaultAccountId: '000000000000',
        defaultRegion: 'us-east-1',
      },
      services: [fake.service],
      healthCheck: () => Promise.resolve({ ok: true, checks: {} }),
      logger: createLogger('info', (line) => logs.push(line)),
    })
    const { port } = await gateway.listen()
    url = `http://127.0.0.1:${String(port)}`
  })

  afterAll(async () => {
    await gateway.close()
  })

  async function post(
    path: string,
    headers: Record<string, string>,
    body?: string | Buffer,
  ): Promise<RawResponse> {
    const response = await fetch(url + path, {
      method: 'POST',
      headers,
      ...(body === undefined ? {} : { body }),
    })
    const bytes = Buffer.from(await response.arrayBuffer())
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      bytes,
      body: bytes.toString(),
    }
  }

  it('finds AWS JSON 1.0 the default protocol of this version of @aws-sdk/client-cloudwatch', () => {
    const client = new CloudWatchClient({ region: 'eu-west-1' })
    try {
      expect(client.config.protocol.getShapeId()).toBe('aws.protocols#awsJson1_0')
    } finally {
      client.destroy()
    }
  })

  describe.each<ProtocolName>(['rpc-v2-cbor', 'aws-query', 'aws-json-1.0'])(
    'with the SDK over %s',
    (protocol) => {
      it.each([
        ['HTTP/2', false],
        ['HTTP/1.1', true],
      ])('carries PutMetricData exactly over %s', async (_version, http1) => {
        const client = cloudWatch(url, protocol, http1)
        try {
          const output = await client.send(
            new PutMetricDataCommand({ Namespace: 'KCL', MetricData: METRIC_DATA }),
          )
          expect(output.$metadata.httpStatusCode).toBe(200)
          expect(fake.calls.at(-1)).toEqual({
            operation: 'PutMetricData',
            input: { Namespace: 'KCL', MetricData: METRIC_DATA },
          })
        } finally {
          client.destroy()
        }
      })

      it('reads a list output', async () => {
        const client = cloudWatch(url, protocol)
        try {
          const output = await client.send(new ListMetricsCommand({ Namespace: 'KCL' }))
          expect(fake.calls.at(-1)).toEqual({ operation: 'ListMetrics', input: { Namespace: 'KCL' } })
          expect(output.Metrics).toEqual(LIST_METRICS_OUTPUT.Metrics)
          expect(output.NextToken).toBe('next-page')
        } finally {
          client.destroy()
        }
      })

      it('surfaces a constraint violation', async () => {
        const client = cloudWatch(url, protocol)
        try {
          const error = await rejection(
            client.send(
              new PutMetricDataCommand({
                Namespace: 'KCL',
                MetricData: [{ MetricName: '', Unit: 'Parsecs' as 'Count' }],
              }),
            ),
          )
          // CloudWatch's model names the query code of its ValidationException `ValidationError`.
          expect(error.name).toBe('ValidationException')
          if (protocol === 'aws-query') expect(error.Error?.Code).toBe('ValidationError')
          expect(error.$metadata.httpStatusCode).toBe(400)
          expect(error.message).toBe(
            "2 validation errors detected: Value '' at 'metricData.1.member.metricName' failed to satisfy " +
              'constraint: Member must have length greater than or equal to 1; ' +
              "Value 'Parsecs' at 'metricData.1.member.unit' failed to satisfy constraint: Member must satisfy " +
              `enum value set: [${STANDARD_UNITS.join(', ')}]`,
          )
        } finally {
          client.destroy()
        }
      })
      it('answers an operation the service does not have', async () => {
        const client = cloudWatch(url, protocol)
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
    },
  )

  describe('AWS query as the AWS CLI and older SDKs send it', () => {
    const form = (body: string) =>
      post('/', { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body)

    it('reads nested lists and structures, numbers and ISO 8601 timestamps', async () => {
      const response = await form(
        'Action=PutMetricData&Version=2010-08-01&Namespace=KCL' +
          '&MetricData.member.1.MetricName=RecordsProcessed' +
          '&MetricData.member.1.Dimensions.member.1.Name=Operation' +
          '&MetricData.member.1.Dimensions.member.1.Value=ProcessTask' +
          '&MetricData.member.1.Dimensions.member.2.Name=ShardId' +
          '&MetricData.member.1.Dimensions.member.2.Value=shardId-000000000000' +
          '&MetricData.member.1.Timestamp=2024-05-06T07%3A08%3A09.123Z' +
          '&MetricData.member.1.Value=42.5&MetricData.member.1.Unit=Count' +
          '&MetricData.member.1.StorageResolution=60' +
          '&MetricData.member.2.MetricName=Time&MetricData.member.2.Values.member.1=1.5' +
          '&MetricData.member.2.Values.member.2=2&MetricData.member.2.Counts.member.1=3' +
          '&MetricData.member.2.Counts.member.2=1&MetricData.member.2.Dimensions=' +
          '&MetricData.member.3.MetricName=Latency&MetricData.member.3.StatisticValues.SampleCount=4' +
          '&MetricData.member.3.StatisticValues.Sum=10.5&MetricData.member.3.StatisticValues.Minimum=0.5' +
          '&MetricData.member.3.StatisticValues.Maximum=5',
      )
      expect(response.status).toBe(200)
      expect(response.headers['content-type']).toBe('text/xml')
      const requestId = response.headers['x-amzn-requestid']
      expect(response.body).toBe(
        '<PutMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">' +
          `<ResponseMetadata><RequestId>${String(requestId)}</RequestId></ResponseMetadata>` +
          '</PutMetricDataResponse>',
      )
      expect(fake.calls.at(-1)).toEqual({
        operation: 'PutMetricData',
        input: {
          Namespace: 'KCL',
          MetricData: [
            METRIC_DATA[0],
            { MetricName: 'Time', Values: [1.5, 2], Counts: [3, 1], Dimensions: [] },
            {
              MetricName: 'Latency',
              StatisticValues: { SampleCount: 4, Sum: 10.5, Minimum: 0.5, Maximum: 5 },
            },
          ],
        },
      })
    })

    it('writes a list output as <member> items in <OperationResult>', async () => {
      const response = await form('Action=ListMetrics&Version=2010-08-01&Namespace=KCL')
      expect(response.status).toBe(200)
      const requestId = String(response.headers['x-amzn-requestid'])
      expect(response.body).toBe(
        '<ListMetricsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><ListMetricsResult>' +
          '<Metrics><member><Namespace>KCL</Namespace><MetricName>Time &amp; &lt;Latency&gt;</MetricName>' +
          '<Dimensions><member><Name>Operation</Name><Value>ProcessTask</Value></member>' +
          '<member><Name>ShardId</Name><Value>shardId-000000000001</Value></member></Dimensions></member>' +
          '<member><Namespace>KCL</Namespace><MetricName>Success</MetricName><Dimensions></Dimensions></member>' +
          '</Metrics><NextToken>next-page</NextToken></ListMetricsResult>' +
          `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></ListMetricsResponse>`,
      )
    })

    it.each([
      [
        'an unknown action',
        'Action=DescribeAlarms&Version=2010-08-01',
        'InvalidAction',
        'Could not find operation DescribeAlarms for version 2010-08-01',
      ],
      ['no action', 'Version=2010-08-01', 'MissingAction', 'The request must contain the parameter Action'],
      [
        'no version',
        'Action=ListMetrics',
        'MissingParameter',
        'The request must contain the parameter Version',
      ],
      [
        'an unknown version',
        'Action=ListMetrics&Version=2099-01-01',
        'NoSuchVersion',
        'The requested version (2099-01-01) of this service does not exist',
      ],
      [
        'a value of the wrong type',
        'Action=PutMetricData&Version=2010-08-01&Namespace=KCL&MetricData.member.1.MetricName=X&MetricData.member.1.Value=lots',
        'InvalidParameterValue',
        'Value (lots) for parameter MetricData.member.1.Value is invalid. Expected a double.',
      ],
      [
        'a constraint violation',
        'Action=PutMetricData&Version=2010-08-01&Namespace=KCL',
        'ValidationError',
        "1 validation error detected: Value null at 'metricData' failed to satisfy constraint: Member must not be null",
      ],
    ])('answers %s with an <ErrorResponse>', async (_case, body, code, message) => {
      const response = await form(body)
      expect(response.status).toBe(400)
      expect(response.headers['content-type']).toBe('text/xml')
      expect(response.body).toMatch(
        new RegExp(
          `^<ErrorResponse( xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/")?><Error><Type>Sender</Type>` +
            `<Code>${code}</Code><Message>${escapeRegExp(message.replaceAll("'", '&apos;'))}</Message></Error>` +
            `<RequestId>${String(response.headers['x-amzn-requestid'])}</RequestId></ErrorResponse>$`,
        ),
      )
    })
  })

  describe('RPC v2 CBOR requests', () => {
    const cborHeaders = { 'smithy-protocol': 'rpc-v2-cbor', accept: 'application/cbor' }

    it('takes an operation without a body and answers with smithy-protocol and CBOR', async () => {
      const response = await post('/service/GraniteServiceVersion20100801/operation/ListMetrics', cborHeaders)
      expect(response.status).toBe(200)
      expect(response.headers['smithy-protocol']).toBe('rpc-v2-cbor')
      expect(response.headers['content-type']).toBe('application/cbor')
      expect(decodeCbor(response.bytes, 'seconds')).toEqual(LIST_METRICS_OUTPUT)
      expect(fake.calls.at(-1)).toEqual({ operation: 'ListMetrics', input: {} })
    })

    it('routes a service named by its absolute shape id, and reads timestamps as epoch seconds', async () => {
      const response = await post(
        '/v1/service/com.amazonaws.cloudwatch.GraniteServiceVersion20100801/operation/PutMetricData',
        { ...cborHeaders, 'content-type': 'application/cbor' },
        encodeCbor({ Namespace: 'KCL', MetricData: [{ MetricName: 'X', Timestamp: TIMESTAMP }] }, 'seconds'),
      )
      expect(response.status).toBe(200)
      expect(response.bytes.length).toBe(0)
      expect(response.headers['content-type']).toBeUndefined()
      expect(fake.calls.at(-1)?.input).toEqual({
        Namespace: 'KCL',
        MetricData: [{ MetricName: 'X', Timestamp: TIMESTAMP }],
      })
    })

    it.each([
      ['an unknown operation', '/service/GraniteServiceVersion20100801/operation/DescribeAlarms', {}],
      ['an unknown service', '/service/Kinesis_20131202/operation/ListMetrics', {}],
      ['a path of another form', '/GraniteServiceVersion20100801/ListMetrics', {}],
      [
        'an X-Amz-Target header',
        '/service/GraniteServiceVersion20100801/operation/ListMetrics',
        { 'x-amz-target': 'GraniteServiceVersion20100801.ListMetrics' },
      ],
    ])('answers %s with 404 UnknownOperationException', async (_case, path, headers) => {
      const response = await post(path, { ...cborHeaders, 'content-type': 'application/cbor', ...headers })
      expect(response.status).toBe(404)
      expect(response.headers['smithy-protocol']).toBe('rpc-v2-cbor')
      expect(response.headers['x-amzn-errortype']).toBeUndefined()
      expect(decodeCbor(response.bytes, 'seconds')).toEqual({
        __type: 'com.amazon.coral.service#UnknownOperationException',
      })
    })

    it('answers a value of the wrong type with SerializationException', async () => {
      const response = await post(
        '/service/GraniteServiceVersion20100801/operation/PutMetricData',
        { ...cborHeaders, 'content-type': 'application/cbor' },
        encodeCbor({ Namespace: 'KCL', MetricData: [{ MetricName: 'X', Timestamp: 'yesterday' }] }),
      )
      expect(response.status).toBe(400)
      expect(decodeCbor(response.bytes, 'seconds')).toEqual({
        __type: 'com.amazon.coral.service#SerializationException',
        message: 'class java.lang.String can not be converted to milliseconds since epoch',
      })
    })
  })
})
