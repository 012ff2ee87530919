import {
  compareValues,
  typeOf,
  valuesEqual,
  type AttributeValue,
  type Item,
} from '../values/attribute-value.ts'
import type { Condition, Operand, Path } from './ast.ts'

/** The value at a document path of an item; undefined when any step is missing or of the wrong type. */
export function valueAt(item: Item | undefined, path: Path): AttributeValue | undefined {
  if (item === undefined) return undefined
  let value: AttributeValue | undefined = item[path[0] as string]
  for (let index = 1; index < path.length && value !== undefined; index++) {
    const part = path[index] as string | number
    if (typeof part === 'number') value = 'L' in value ? value.L[part] : undefined
    else value = 'M' in value ? value.M[part] : undefined
  }
  return value
}

/** Whether an item (undefined: none) satisfies a condition, as DynamoDB evaluates it. */
export function evaluate(condition: Condition, item: Item | undefined): boolean {
  switch (condition.kind) {
    case 'true':
      return true
    case 'and':
      return evaluate(condition.left, item) && evaluate(condition.right, item)
    case 'or':
      return evaluate(condition.left, item) || evaluate(condition.right, item)
    case 'not':
      return !evaluate(condition.condition, item)
    case 'exists':
      return valueAt(item, condition.path) !== undefined
    case 'not-exists':
      return valueAt(item, condition.path) === undefined
    case 'type': {
      const value = valueAt(item, condition.path)
      return value !== undefined && typeOf(value) === condition.type
    }
    case 'compare': {
      const left = operandValue(condition.left, item)
      const right = operandValue(condition.right, item)
      if (condition.op === '<>') return left === undefined || right === undefined || !valuesEqual(left, right)
      if (left === undefined || right === undefined) return false
      if (condition.op === '=') return valuesEqual(left, right)
      const order = compareValues(left, right)
      if (order === undefined) return false
      switch (condition.op) {
        case '<':
          return order < 0
        case '<=':
          return order <= 0
        case '>':
          return order > 0
        case '>=':
          return order >= 0
      }
      return false
    }
    case 'between': {
      const value = operandValue(condition.operand, item)
      const low = operandValue(condition.low, item)
      const high = operandValue(condition.high, item)
      if (value === undefined || low === undefined || high === undefined) return false
      const above = compareValues(value, low)
      const below = compareValues(value, high)
      return above !== undefined && below !== undefined && above >= 0 && below <= 0
    }
    case 'in': {
      const value = operandValue(condition.operand, item)
      if (value === undefined) return false
      return condition.list.some((entry) => {
        const candidate = operandValue(entry, item)
        return candidate !== undefined && valuesEqual(value, candidate)
      })
    }
    case 'begins-with': {
      const value = valueAt(item, condition.path)
      const prefix = operandValue(condition.operand, item)
      if (value === undefined || prefix === undefined) return false
      if ('S' in value && 'S' in prefix) return value.S.startsWith(prefix.S)
      if ('B' in value && 'B' in prefix) {
        const bytes = Buffer.from(value.B, 'base64')
        const start = Buffer.from(prefix.B, 'base64')
        return bytes.subarray(0, start.length).equals(start)
      }
      return false
    }
    case 'contains': {
      const value = valueAt(item, condition.path)
      const part = operandValue(condition.operand, item)
      if (value === undefined || part === undefined) return false
      if ('S' in value) return 'S' in part && value.S.includes(part.S)
      if ('B' in value) {
        return 'B' in part && Buffer.from(value.B, 'base64').includes(Buffer.from(part.B, 'base64'))
      }
      if ('SS' in value) return 'S' in part && value.SS.includes(part.S)
      if ('NS' in value) return 'N' in part && value.NS.some((entry) => valuesEqual({ N: entry }, part))
      if ('BS' in value) return 'B' in part && value.BS.includes(part.B)
      if ('L' in value) return value.L.some((entry) => valuesEqual(entry, part))
      return false
    }
  }
}

export function operandValue(operand: Operand, item: Item | undefined): AttributeValue | undefined {
  switch (operand.kind) {
    case 'value':
      return operand.value
    case 'path':
      return valueAt(item, operand.path)
    case 'size': {
      const value = valueAt(item, operand.path)
      const size = value === undefined ? undefined : sizeOf(value)
      return size === undefined ? undefined : { N: String(size) }
    }
  }
}

function sizeOf(value: AttributeValue): number | undefined {
  if ('S' in value) return Array.from(value.S).length
  if ('B' in value) return Buffer.from(value.B, 'base64').length
  if ('SS' in value) return value.SS.length
  if ('NS' in value) return value.NS.length
  if ('BS' in value) return value.BS.length
  if ('L' in value) return value.L.length
  if ('M' in value) return Object.keys(value.M).length
  return undefined
}

/** The parts of an item that a ProjectionExpression names (top-level attributes, nested paths kept nested). */
export function project(item: Item, paths: readonly Path[]): Item {
  let result: Record<string, AttributeValue> = {}
  for (const path of paths) {
    const value = valueAt(item, path)
    if (value === undefined) continue
    result = merge(result, path, value)
  }
  return result
}

function merge(
  target: Record<string, AttributeValue>,
  path: Path,
  value: AttributeValue,
): Record<string, AttributeValue> {
  const [head, ...rest] = path
  const name = head as string
  if (rest.length === 0) return { ...target, [name]: value }
  const existing = target[name]
  if (typeof rest[0] === 'number') {
    // A list element is projected into a list holding the elements asked for, in order.
    const list = existing !== undefined && 'L' in existing ? [...existing.L] : []
    const inner = rest.length === 1 ? value : nestedValue(rest.slice(1), value)
    list.push(inner)
    return { ...target, [name]: { L: list } }
  }
  const map = existing !== undefined && 'M' in existing ? existing.M : {}
  return { ...target, [name]: { M: merge({ ...map }, rest, value) } }
}

function nestedValue(path: Path, value: AttributeValue): AttributeValue {
  if (path.length === 0) return value
  const [head, ...rest] = path
  if (typeof head === 'number') return { L: [nestedValue(rest, value)] }
  return { M: { [head as string]: nestedValue(rest, value) } }
}
