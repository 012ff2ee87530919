import type { StreamKey } from '../../ports/stream-catalog.ts'

/** What a replica publishes after a successful write, so that the others drop their cached copy. */
export interface CatalogChange extends StreamKey {
  kind: 'created' | 'updated' | 'removed'
  /** The version written, or for a removal the version removed. */
  version: number
}

const KINDS: readonly string[] = ['created', 'updated', 'removed'] satisfies CatalogChange['kind'][]

export function encodeCatalogChange(change: CatalogChange): string {
  const { kind, accountId, region, streamName, version } = change
  return JSON.stringify({ kind, accountId, region, streamName, version })
}

/** The change a message announces, or undefined when the message is not one. */
export function decodeCatalogChange(message: string): CatalogChange | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(message)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const { kind, accountId, region, streamName, version } = parsed as Record<string, unknown>
  if (
    typeof kind !== 'string' ||
    !KINDS.includes(kind) ||
    typeof accountId !== 'string' ||
    typeof region !== 'string' ||
    typeof streamName !== 'string' ||
    typeof version !== 'number'
  ) {
    return undefined
  }
  return { kind: kind as CatalogChange['kind'], accountId, region, streamName, version }
}
