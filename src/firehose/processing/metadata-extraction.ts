import { loadJq, type Jq } from 'jq-wasm'

/**
 * MetadataExtraction: a jq query (`{"key1":.foo,"key2":.bar.baz|ascii_upcase}`) run on each record's JSON
 * gives its partition keys, read by `!{partitionKeyFromQuery:key}`. jq runs in WebAssembly (jq-wasm, jq
 * 1.8; AWS runs jq 1.6, whose language these queries share).
 */
export type KeyExtraction =
  | { readonly keys: Readonly<Record<string, string>> }
  | { readonly errorCode: string; readonly errorMessage: string }

export type KeyExtractor = (records: readonly Buffer[]) => Promise<KeyExtraction[]>

let jq: Promise<Jq> | undefined

/** jq's WebAssembly module, compiled once per process; a failed load is tried again on the next call. */
function loadedJq(): Promise<Jq> {
  jq ??= loadJq().catch((error: unknown) => {
    jq = undefined
    throw error
  })
  return jq
}

const EXTRACTION_FAILED = 'DynamicPartitioning.MetadataExtractionFailed'

/**
 * An extractor for `query`. One jq run evaluates a whole batch (records fed as a stream of JSON texts, the
 * query wrapped so that each record answers exactly one line, its keys or its error).
 */
export function createKeyExtractor(query: string): KeyExtractor {
  const program = `try ([${query}] | {ok: .}) catch {error: (if type == "string" then . else tojson end)}`
  return async (records) => {
    const results: (KeyExtraction | undefined)[] = records.map((record) =>
      isJson(record) ? undefined : failure('Non JSON record provided'),
    )
    const inputs = records.filter((_, index) => results[index] === undefined)
    if (inputs.length === 0) return results as KeyExtraction[]
    const engine = await loadedJq()
    const answers = evaluate(engine, program, inputs)
    let next = 0
    return results.map(
      (result) => result ?? answers[next++] ?? failure('No result from the metadata extraction query'),
    )
  }
}

function evaluate(engine: Jq, program: string, inputs: readonly Buffer[]): KeyExtraction[] {
  const { stdout, stderr, exitCode } = engine.raw(
    inputs.map((input) => input.toString('utf8')).join('\n'),
    program,
    ['-c'],
  )
  if (exitCode !== 0) {
    const message = stderr.trim() === '' ? `jq exited with status ${exitCode}` : stderr.trim()
    return inputs.map(() => failure(message))
  }
  const lines = stdout.split('\n').filter((line) => line !== '')
  // A record jq could not read (jq's reader is more lenient than JSON.parse in places) would shift the
  // answers: evaluate one at a time then.
  if (lines.length !== inputs.length && inputs.length > 1) {
    return inputs.flatMap((input) => evaluate(engine, program, [input]))
  }
  return lines.map(answer)
}

function answer(line: string): KeyExtraction {
  const parsed = JSON.parse(line) as { ok?: unknown[]; error?: string }
  if (parsed.ok === undefined) return failure(`The metadata extraction query failed: ${parsed.error ?? ''}`)
  if (parsed.ok.length !== 1) {
    return failure(
      `The metadata extraction query must produce one JSON object, it produced ${parsed.ok.length} values`,
    )
  }
  const result = parsed.ok[0]
  if (typeof result !== 'object' || result === null || Array.isArray(result)) {
    return failure('The metadata extraction query must produce a JSON object')
  }
  const keys: Record<string, string> = {}
  for (const [key, value] of Object.entries(result)) {
    if (value === null || value === undefined)
      return failure(`The partition key ${key} could not be extracted (null)`)
    if (typeof value === 'object') return failure(`The partition key ${key} is not a scalar value`)
    keys[key] = typeof value === 'string' ? value : String(value)
  }
  return { keys }
}

function isJson(record: Buffer): boolean {
  try {
    JSON.parse(record.toString('utf8'))
    return true
  } catch {
    return false
  }
}

function failure(errorMessage: string): KeyExtraction {
  return { errorCode: EXTRACTION_FAILED, errorMessage }
}
