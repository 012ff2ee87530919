// `npm run kcl -- [<application>] [--stream <name>] [--endpoint <url>] [--account <id>] [--region <region>]
// [--json]`: a KCL application's leases, checkpoints and lag, read from the gateway's /kcl/applications
// routes (no DynamoDB client needed). Without an application, lists the lease tables.

import { parseArgs } from 'node:util'
import type { ApplicationReport } from './inspector.ts'
import { applicationReportText } from './report-text.ts'
import { KCL_APPLICATIONS_PATH } from './routes.ts'

const USAGE =
  'usage: npm run kcl -- [<application>] [--stream <name>] [--endpoint http://localhost:4567] ' +
  '[--account <id>] [--region <region>] [--json]'

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      stream: { type: 'string' },
      endpoint: { type: 'string', default: 'http://localhost:4567' },
      account: { type: 'string' },
      region: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help || positionals.length > 1) {
    console.error(USAGE)
    return values.help ? 0 : 2
  }
  const [application] = positionals
  const url = new URL(
    application === undefined
      ? KCL_APPLICATIONS_PATH
      : `${KCL_APPLICATIONS_PATH}/${encodeURIComponent(application)}`,
    values.endpoint,
  )
  for (const name of ['stream', 'account', 'region'] as const) {
    const value = values[name]
    if (value !== undefined) url.searchParams.set(name, value)
  }
  const response = await fetch(url)
  const body: unknown = await response.json()
  if (!response.ok) {
    const message = (body as { message?: string }).message ?? response.statusText
    console.error(`${url.href}: ${String(response.status)} ${message}`)
    return 1
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`)
  } else if (application === undefined) {
    const list = body as { applications: string[] }
    process.stdout.write(
      list.applications.length === 0 ? 'no KCL lease tables\n' : `${list.applications.join('\n')}\n`,
    )
  } else {
    process.stdout.write(applicationReportText(body as ApplicationReport))
  }
  return 0
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  },
)
