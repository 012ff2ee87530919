// The JSONPath subset Kinesis Data Analytics accepts in RecordRowPath and column Mappings: `$`, `.name` or
// `['name']` for members, and `[0:]` for every element of an array (the only index expression AWS supports).
// `$.arr[0:]` as the last step is the whole array as one value; `$.arr[0:].x` flattens the array into one row
// per element. Paths are case-sensitive; a member that is not there is null.

export type PathStep = { readonly kind: 'member'; readonly name: string } | { readonly kind: 'elements' }

export interface JsonPath {
  readonly text: string
  readonly steps: readonly PathStep[]
}

/** The parsed path, or why it is not one AWS accepts. */
export function parseJsonPath(text: string): JsonPath | { readonly problem: string } {
  if (!text.startsWith('$')) return { problem: `JSONPath ${text} must start with $` }
  const steps: PathStep[] = []
  let at = 1
  while (at < text.length) {
    const rest = text.slice(at)
    const member = /^\.([^.[\]]+)/.exec(rest)
    if (member !== null) {
      steps.push({ kind: 'member', name: member[1] ?? '' })
      at += member[0].length
      continue
    }
    const quoted = /^\[\s*(?:'([^']*)'|"([^"]*)")\s*\]/.exec(rest)
    if (quoted !== null) {
      steps.push({ kind: 'member', name: quoted[1] ?? quoted[2] ?? '' })
      at += quoted[0].length
      continue
    }
    const elements = /^\[\s*0\s*:\s*\]/.exec(rest)
    if (elements !== null) {
      steps.push({ kind: 'elements' })
      at += elements[0].length
      continue
    }
    return { problem: `JSONPath ${text} is not supported at '${rest}': use .member, ['member'] or [0:]` }
  }
  const arrays = steps.filter((step) => step.kind === 'elements').length
  if (arrays > 1) return { problem: `JSONPath ${text} dereferences more than one array level` }
  return { text, steps }
}

export function isJsonPath(value: JsonPath | { readonly problem: string }): value is JsonPath {
  return !('problem' in value)
}

/** The steps before a flattened array (`$.orders` of `$.orders[0:].id`); undefined when the path flattens none. */
export function flattenedArray(path: JsonPath): string | undefined {
  const index = path.steps.findIndex((step) => step.kind === 'elements')
  if (index === -1 || index === path.steps.length - 1) return undefined
  return stepsText(path.steps.slice(0, index))
}

/** The path split at its flattened array: the steps to the array, and those from each element. */
export function splitAtFlattenedArray(
  path: JsonPath,
): { array: PathStep[]; element: PathStep[] } | undefined {
  const index = path.steps.findIndex((step) => step.kind === 'elements')
  if (index === -1 || index === path.steps.length - 1) return undefined
  return { array: path.steps.slice(0, index), element: path.steps.slice(index + 1) }
}

/** The value at `steps` from `root`; undefined when a member is missing or a step does not apply. */
export function evaluate(root: unknown, steps: readonly PathStep[]): unknown {
  let value: unknown = root
  for (const step of steps) {
    if (step.kind === 'elements') {
      if (!Array.isArray(value)) return undefined
      continue
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined
    value = (value as Record<string, unknown>)[step.name]
  }
  return value
}

export function stepsText(steps: readonly PathStep[]): string {
  return (
    '$' +
    steps
      .map((step) =>
        step.kind === 'elements'
          ? '[0:]'
          : /^[A-Za-z0-9_]+$/.test(step.name)
            ? `.${step.name}`
            : `['${step.name}']`,
      )
      .join('')
  )
}
