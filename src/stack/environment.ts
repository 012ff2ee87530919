import type { StackEndpoints } from './types.ts'

/** The variables the gateway and the tests read to find Kafka, Redis and S3 (see src/config.ts). */
export function endpointVariables(endpoints: StackEndpoints): Record<string, string> {
  return {
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    REDIS_URL: endpoints.redisUrl,
    S3_ENDPOINT: endpoints.s3.endpoint,
    S3_ACCESS_KEY: endpoints.s3.accessKey,
    S3_SECRET_KEY: endpoints.s3.secretKey,
    S3_REGION: endpoints.s3.region,
  }
}

/** `export NAME=value` lines for a POSIX shell to eval, values quoted where they need it. */
export function renderShellExports(variables: Readonly<Record<string, string>>): string {
  return Object.entries(variables)
    .map(([name, value]) => `export ${name}=${shellQuote(value)}\n`)
    .join('')
}

function shellQuote(value: string): string {
  if (/^[\w@%+=:,./-]+$/.test(value)) return value
  return `'${value.replaceAll("'", `'\\''`)}'`
}
