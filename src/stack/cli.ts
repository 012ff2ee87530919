/**
 * npm run stack -- start|stop|status|provision|env
 *
 * Progress goes to stderr and results to stdout, so `eval "$(npm run --silent stack -- env)"` works.
 */
import { endpointVariables, renderShellExports } from './environment.ts'
import { localStackStatus, provisionLocalStack, startLocalStack, stopLocalStack } from './local-stack.ts'
import { localStackEndpoints, resolveLocalStackOptions, type LocalStackOptions } from './options.ts'
import type { ServiceStatus } from './service.ts'

const USAGE = 'usage: npm run stack -- start|stop|status|provision|env'

const commands = new Map<string, (options: LocalStackOptions) => Promise<void>>([
  ['start', start],
  ['stop', stop],
  ['status', status],
  ['provision', provision],
  ['env', env],
])

async function start(options: LocalStackOptions): Promise<void> {
  const startedAt = Date.now()
  const { endpoints, started } = await startLocalStack(options, progress)
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1)
  const what = started.length === 0 ? 'all already running' : `started ${started.join(', ')}`
  print(
    [
      `local stack ready in ${seconds} s (${what})`,
      `  Kafka  ${endpoints.kafkaBrokers.join(',')}`,
      `  Redis  ${endpoints.redisUrl}`,
      `  S3     ${endpoints.s3.endpoint} (access key ${endpoints.s3.accessKey}, secret key ${endpoints.s3.secretKey}, region ${endpoints.s3.region})`,
      `data and logs in ${options.dir}`,
      'variables for clients: npm run --silent stack -- env; stop it with: npm run stack -- stop',
      '',
    ].join('\n'),
  )
}

async function stop(options: LocalStackOptions): Promise<void> {
  const stopped = await stopLocalStack(options, progress)
  print(stopped.length === 0 ? 'local stack was not running\n' : `stopped ${stopped.join(', ')}\n`)
}

async function status(options: LocalStackOptions): Promise<void> {
  const statuses = await localStackStatus(options)
  print(statuses.map((entry) => `${describeStatus(entry)}\n`).join(''))
}

function env(options: LocalStackOptions): Promise<void> {
  print(renderShellExports(endpointVariables(localStackEndpoints(options))))
  return Promise.resolve()
}

async function provision(options: LocalStackOptions): Promise<void> {
  await provisionLocalStack(options, progress)
  print(`jars cached under ${options.cacheDir}\n`)
}

function describeStatus(entry: ServiceStatus): string {
  const name = entry.name.padEnd(8)
  if (entry.state === 'stopped') return `${name} stopped  (port ${entry.port})`
  const health = entry.healthy ? 'healthy' : 'NOT answering'
  return `${name} running  pid ${entry.pid}, port ${entry.port}, ${health}`
}

function print(text: string): void {
  process.stdout.write(text)
}

function progress(line: string): void {
  process.stderr.write(`[stack] ${line}\n`)
}

async function main(args: readonly string[]): Promise<number> {
  const [name, ...rest] = args
  const command = name === undefined ? undefined : commands.get(name)
  if (command === undefined || rest.length > 0) {
    process.stderr.write(`${USAGE}\n`)
    return 2
  }
  try {
    await command(resolveLocalStackOptions())
    return 0
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    process.stderr.write(`stack ${name ?? ''} failed: ${message.replaceAll('\n', ' ')}\n`)
    return 1
  }
}

process.exitCode = await main(process.argv.slice(2))
