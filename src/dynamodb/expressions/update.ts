import { addNumbers, compareNumbers, subtractNumbers } from '../values/numbers.ts'
import { typeOf, type AttributeValue, type Item } from '../values/attribute-value.ts'
import type { Path, SetValue, UpdateAction } from './ast.ts'
import { operandValue, valueAt } from './evaluate.ts'
import { ExpressionError } from './placeholders.ts'

const INVALID_PATH = 'The document path provided in the update expression is invalid for update'
const WRONG_TYPE = 'An operand in the update expression has an incorrect data type'
const MISSING = 'The provided expression refers to an attribute that does not exist in the item'

/**
 * Applies update actions to an item (undefined: none yet), as DynamoDB does: every right-hand side is evaluated
 * against the item as it was, then the actions are applied. Throws ExpressionError with DynamoDB's message.
 * `legacy` selects AttributeUpdates' wording for type mismatches.
 */
export function applyUpdate(item: Item | undefined, actions: readonly UpdateAction[], legacy = false): Item {
  const before = item ?? {}
  const resolved = actions.map((action) =>
    action.kind === 'set' ? { ...action, value: setValueOf(action.value, before) } : action,
  )
  let result: Record<string, AttributeValue> = { ...before }
  // List elements are removed from the highest index down, so that earlier indexes stay valid.
  const removals = resolved
    .filter((action) => action.kind === 'remove')
    .sort((a, b) => compareIndexes(b.path, a.path))
  for (const action of resolved) {
    switch (action.kind) {
      case 'set':
        result = write(result, action.path, action.value)
        break
      case 'add': {
        const current = valueAt(result, action.path)
        result = write(
          result,
          action.path,
          current === undefined ? action.value : added(current, action.value, legacy),
        )
        break
      }
      case 'delete': {
        const current = valueAt(result, action.path)
        if (current === undefined) break
        const remaining = withoutElements(current, action.value, legacy)
        result = remaining === undefined ? remove(result, action.path) : write(result, action.path, remaining)
        break
      }
      case 'remove':
        break
    }
  }
  for (const action of removals) result = remove(result, action.path)
  return result
}

function compareIndexes(a: Path, b: Path): number {
  const x = a[a.length - 1]
  const y = b[b.length - 1]
  return typeof x === 'number' && typeof y === 'number' ? x - y : 0
}

function setValueOf(value: SetValue, item: Item): AttributeValue {
  switch (value.kind) {
    case 'path':
    case 'value':
    case 'size': {
      const resolved = operandValue(value, item)
      if (resolved === undefined) throw new ExpressionError(MISSING)
      return resolved
    }
    case 'if-not-exists':
      return valueAt(item, value.path) ?? setValueOf(value.fallback, item)
    case 'list-append': {
      const first = setValueOf(value.first, item)
      const second = setValueOf(value.second, item)
      if (!('L' in first) || !('L' in second)) throw new ExpressionError(WRONG_TYPE)
      return { L: [...first.L, ...second.L] }
    }
    case 'arithmetic': {
      const left = setValueOf(value.left, item)
      const right = setValueOf(value.right, item)
      if (!('N' in left) || !('N' in right)) throw new ExpressionError(WRONG_TYPE)
      return { N: value.op === '+' ? addNumbers(left.N, right.N) : subtractNumbers(left.N, right.N) }
    }
  }
}

function added(current: AttributeValue, value: AttributeValue, legacy: boolean): AttributeValue {
  if ('N' in current && 'N' in value) return { N: addNumbers(current.N, value.N) }
  if ('SS' in current && 'SS' in value) return { SS: union(current.SS, value.SS, (a, b) => a === b) }
  if ('BS' in current && 'BS' in value) return { BS: union(current.BS, value.BS, (a, b) => a === b) }
  if ('NS' in current && 'NS' in value) {
    return { NS: union(current.NS, value.NS, (a, b) => compareNumbers(a, b) === 0) }
  }
  // AttributeUpdates' ADD also appends to a list.
  if (legacy && 'L' in current && 'L' in value) return { L: [...current.L, ...value.L] }
  throw new ExpressionError(legacy ? 'Type mismatch for attribute to update' : WRONG_TYPE)
}

function union(
  a: readonly string[],
  b: readonly string[],
  same: (p: string, q: string) => boolean,
): string[] {
  return [...a, ...b.filter((entry) => !a.some((existing) => same(existing, entry)))]
}

function withoutElements(
  current: AttributeValue,
  value: AttributeValue,
  legacy: boolean,
): AttributeValue | undefined {
  const type = typeOf(current)
  if (type !== typeOf(value) || !['SS', 'NS', 'BS'].includes(type)) {
    throw new ExpressionError(legacy ? 'Type mismatch for attribute to update' : WRONG_TYPE)
  }
  const from = (current as unknown as Record<string, readonly string[]>)[type] ?? []
  const drop = (value as unknown as Record<string, readonly string[]>)[type] ?? []
  const same =
    type === 'NS' ? (a: string, b: string) => compareNumbers(a, b) === 0 : (a: string, b: string) => a === b
  const remaining = from.filter((entry) => !drop.some((gone) => same(entry, gone)))
  return remaining.length === 0 ? undefined : ({ [type]: remaining } as unknown as AttributeValue)
}

/** The item with the value at `path` replaced; the path's parent must exist and have the right type. */
function write(
  item: Record<string, AttributeValue>,
  path: Path,
  value: AttributeValue,
): Record<string, AttributeValue> {
  const [head, ...rest] = path
  const name = head as string
  if (rest.length === 0) return { ...item, [name]: value }
  const parent = item[name]
  if (parent === undefined) throw new ExpressionError(INVALID_PATH)
  return { ...item, [name]: writeInside(parent, rest, value) }
}

function writeInside(container: AttributeValue, path: Path, value: AttributeValue): AttributeValue {
  const [head, ...rest] = path
  if (typeof head === 'number') {
    if (!('L' in container)) throw new ExpressionError(INVALID_PATH)
    const list = [...container.L]
    if (rest.length === 0) {
      // An index past the end appends.
      if (head >= list.length) list.push(value)
      else list[head] = value
      return { L: list }
    }
    const child = list[head]
    if (child === undefined) throw new ExpressionError(INVALID_PATH)
    list[head] = writeInside(child, rest, value)
    return { L: list }
  }
  if (!('M' in container)) throw new ExpressionError(INVALID_PATH)
  const name = head as string
  if (rest.length === 0) return { M: { ...container.M, [name]: value } }
  const child = container.M[name]
  if (child === undefined) throw new ExpressionError(INVALID_PATH)
  return { M: { ...container.M, [name]: writeInside(child, rest, value) } }
}

function remove(item: Record<string, AttributeValue>, path: Path): Record<string, AttributeValue> {
  const [head, ...rest] = path
  const name = head as string
  if (rest.length === 0) {
    const { [name]: _removed, ...others } = item
    return others
  }
  const parent = item[name]
  if (parent === undefined) return item
  const changed = removeInside(parent, rest)
  return changed === undefined ? item : { ...item, [name]: changed }
}

function removeInside(container: AttributeValue, path: Path): AttributeValue | undefined {
  const [head, ...rest] = path
  if (typeof head === 'number') {
    if (!('L' in container) || head >= container.L.length) return undefined
    const list = [...container.L]
    if (rest.length === 0) list.splice(head, 1)
    else {
      const changed = removeInside(list[head] as AttributeValue, rest)
      if (changed === undefined) return undefined
      list[head] = changed
    }
    return { L: list }
  }
  if (!('M' in container)) return undefined
  const name = head as string
  const child = container.M[name]
  if (child === undefined) return undefined
  if (rest.length === 0) {
    const { [name]: _removed, ...others } = container.M
    return { M: others }
  }
  const changed = removeInside(child, rest)
  return changed === undefined ? undefined : { M: { ...container.M, [name]: changed } }
}

/** The top-level attributes an update touches, for ReturnValues UPDATED_OLD / UPDATED_NEW. */
export function updatedAttributes(actions: readonly UpdateAction[]): Set<string> {
  return new Set(actions.map((action) => action.path[0] as string))
}
