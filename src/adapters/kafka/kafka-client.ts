import { Kafka, logLevel, type LogEntry } from 'kafkajs'

import { scheduleRequestChecksOnlyWhenPending } from './kafkajs-request-queue.ts'

/**
 * Warnings about choices made deliberately: retries are bounded, which kafkajs warns about for every idempotent
 * kafkajs producer built on the client (the gateway's own appends do not use one).
 */
const EXPECTED_WARNINGS = new Set([
  'Limiting retries for the idempotent producer may invalidate EoS guarantees',
])

/**
 * kafkajs logs every error code a broker answers with ("Response Fetch(key: 1, version: 11)") as an error, also
 * those the adapter handles (a partition not served yet, a leader that moved): they are details, not failures.
 */
const BROKER_RESPONSE_ERROR = /^Response \w+\(key: \d+, version: \d+\)$/

export interface KafkaClientOptions {
  brokers: string[]
  clientId: string
  /** Receives kafkajs's warnings and errors (broker error responses as debug); silent when absent. */
  onLog?: (level: 'debug' | 'warn' | 'error', message: string, detail: Record<string, unknown>) => void
}

/** Builds the kafkajs client with the timeouts and retries the gateway expects of a local cluster. */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  scheduleRequestChecksOnlyWhenPending()
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 100, retries: 5, maxRetryTime: 2_000 },
    logLevel: options.onLog === undefined ? logLevel.NOTHING : logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        if (options.onLog === undefined) return
        const { message, ...detail } = log
        if (EXPECTED_WARNINGS.has(message)) return
        if (BROKER_RESPONSE_ERROR.test(message)) options.onLog('debug', message, detail)
        else options.onLog(level === logLevel.ERROR ? 'error' : 'warn', message, detail)
      },
  })
}
