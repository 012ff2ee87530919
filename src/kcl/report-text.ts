// An application's leases as a text table, for `npm run kcl`.

import type { ApplicationReport, LeaseReport } from './inspector.ts'

const COLUMNS: readonly { readonly title: string; readonly cell: (lease: LeaseReport) => string }[] = [
  { title: 'SHARD', cell: (lease) => lease.leaseKey },
  { title: 'OWNER', cell: (lease) => lease.owner ?? '-' },
  { title: 'CHECKPOINT', cell: (lease) => checkpointText(lease) },
  { title: 'COUNTER', cell: (lease) => String(lease.leaseCounter) },
  { title: 'LAG RECORDS', cell: (lease) => (lease.lag === null ? '?' : String(lease.lag.records)) },
  { title: 'LAG MS', cell: (lease) => (lease.lag === null ? '?' : String(lease.lag.millis)) },
]

export function applicationReportText(report: ApplicationReport): string {
  const lines = [`${report.application} (account ${report.accountId}, ${report.region})`]
  if (report.leases.length === 0) return `${lines.join('\n')}\nno leases\n`
  const rows = [
    COLUMNS.map((column) => column.title),
    ...report.leases.map((l) => COLUMNS.map((c) => c.cell(l))),
  ]
  const widths = COLUMNS.map((_, index) => Math.max(...rows.map((row) => (row[index] ?? '').length)))
  for (const row of rows) {
    lines.push(
      row
        .map((cell, index) => cell.padEnd(widths[index] ?? 0))
        .join('  ')
        .trimEnd(),
    )
  }
  const unknown = report.leases.filter((lease) => lease.lagUnknownReason !== undefined)
  for (const lease of unknown) lines.push(`? ${lease.leaseKey}: ${lease.lagUnknownReason ?? ''}`)
  return `${lines.join('\n')}\n`
}

function checkpointText(lease: LeaseReport): string {
  if (lease.checkpoint === null) return '-'
  return lease.checkpointSubSequenceNumber === 0
    ? lease.checkpoint
    : `${lease.checkpoint}/${String(lease.checkpointSubSequenceNumber)}`
}
