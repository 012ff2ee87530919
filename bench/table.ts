/** Prints rows as an aligned text table. */
export function printTable(
  title: string,
  header: readonly string[],
  rows: readonly (readonly string[])[],
): void {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)),
  )
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) =>
        cell.padStart(column === 0 ? 0 : (widths[column] ?? 0)).padEnd(column === 0 ? (widths[0] ?? 0) : 0),
      )
      .join('  ')
  process.stdout.write(
    `\n${title}\n${line(header)}\n${widths.map((width) => '-'.repeat(width)).join('  ')}\n`,
  )
  for (const row of rows) process.stdout.write(`${line(row)}\n`)
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

export function format(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
}

/** `subject / direct: 1.23x    subject / kinesalite: 4.5x`: a rate against the direct one and each peer's. */
export function ratioLine(
  subject: string,
  rate: number,
  direct: number,
  peers: readonly { name: string; rate: number }[],
): string {
  return [
    `${subject} / direct: ${format(rate / direct, 2)}x`,
    ...peers.map((peer) => `${subject} / ${peer.name}: ${format(rate / peer.rate, 1)}x`),
  ].join('    ')
}
