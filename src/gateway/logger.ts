export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent']

export type LogFields = Readonly<Record<string, unknown>>

export interface Logger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}

type WrittenLevel = Exclude<LogLevel, 'silent'>

const SEVERITY: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

/** Structured logging: one JSON object per line, written to stdout unless another sink is given. */
export function createLogger(level: LogLevel, write: (line: string) => void = writeToStdout): Logger {
  const threshold = SEVERITY[level]
  const log = (entryLevel: WrittenLevel, message: string, fields: LogFields | undefined): void => {
    if (SEVERITY[entryLevel] < threshold) return
    write(
      JSON.stringify({ time: new Date().toISOString(), level: entryLevel, msg: message, ...fields }) + '\n',
    )
  }
  return {
    debug: (message, fields) => {
      log('debug', message, fields)
    },
    info: (message, fields) => {
      log('info', message, fields)
    },
    warn: (message, fields) => {
      log('warn', message, fields)
    },
    error: (message, fields) => {
      log('error', message, fields)
    },
  }
}

function writeToStdout(line: string): void {
  process.stdout.write(line)
}

/** Fields describing an error for a log line; the stack stays in the logs, never on the wire. */
export function errorFields(error: unknown): LogFields {
  if (error instanceof Error) return { error: error.message, stack: error.stack }
  return { error: String(error) }
}
