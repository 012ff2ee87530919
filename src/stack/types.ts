/** Where the gateway and the tests find Kafka, Redis and S3. */
export interface StackEndpoints {
  kafkaBrokers: string[]
  redisUrl: string
  s3: S3Endpoint
}

export interface S3Endpoint {
  /** e.g. http://127.0.0.1:19090 */
  endpoint: string
  accessKey: string
  secretKey: string
  region: string
}
