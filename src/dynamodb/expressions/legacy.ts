import { fromWire, type AttributeValue } from '../values/attribute-value.ts'
import type { Condition, Operand, UpdateAction } from './ast.ts'
import { ExpressionError } from './placeholders.ts'

// The parameters DynamoDB had before expressions, still what KCL sends on its hot path, translated into the
// expression trees so that both forms are evaluated by the same code.

export interface ExpectedEntry {
  readonly Value?: unknown
  readonly Exists?: boolean
  readonly ComparisonOperator?: string
  readonly AttributeValueList?: readonly unknown[]
}

export interface AttributeUpdate {
  readonly Value?: unknown
  readonly Action?: string
}

function invalid(reason: string): never {
  throw new ExpressionError(`One or more parameter values were invalid: ${reason}`)
}

/** `Expected` with its `ConditionalOperator` (AND unless OR) as one condition. */
export function expectedCondition(
  expected: Readonly<Record<string, ExpectedEntry>>,
  conditionalOperator: string | undefined,
): Condition {
  const conditions = Object.entries(expected).map(([name, entry]) => expectedEntry(name, entry))
  const kind = conditionalOperator === 'OR' ? 'or' : 'and'
  return (
    conditions.reduce<Condition | undefined>(
      (left, right) => (left === undefined ? right : { kind, left, right }),
      undefined,
    ) ?? { kind: 'true' }
  )
}

// DynamoDB's checks and words (as dynalite records them). With a ComparisonOperator, `Value` is its one argument,
// as KCL 1.x sends it (`{"Value": {"S": "SHARD_END"}, "ComparisonOperator": "NE"}`).
function expectedEntry(name: string, entry: ExpectedEntry): Condition {
  const path = [name]
  const attribute: Operand = { kind: 'path', path }
  if (entry.ComparisonOperator !== undefined) {
    if (entry.Exists !== undefined) {
      invalid(`Exists and ComparisonOperator cannot be used together for Attribute: ${name}`)
    }
    if (entry.AttributeValueList !== undefined && entry.Value !== undefined) {
      invalid(`Value and AttributeValueList cannot be used together for Attribute: ${name}`)
    }
    const values = (entry.Value === undefined ? (entry.AttributeValueList ?? []) : [entry.Value]).map(
      (value) => ({
        kind: 'value' as const,
        value: fromWire(value),
      }),
    )
    return comparison(name, entry.ComparisonOperator, attribute, values)
  }
  if (entry.AttributeValueList !== undefined) {
    invalid(`AttributeValueList can only be used with a ComparisonOperator for Attribute: ${name}`)
  }
  if (entry.Exists === false) {
    if (entry.Value !== undefined) invalid(`Value cannot be used when Exists is false for Attribute: ${name}`)
    return { kind: 'not-exists', path }
  }
  if (entry.Value === undefined) {
    invalid(
      `Value must be provided when Exists is ${entry.Exists === undefined ? 'null' : 'true'} for Attribute: ${name}`,
    )
  }
  return { kind: 'compare', op: '=', left: attribute, right: { kind: 'value', value: fromWire(entry.Value) } }
}

const ARGUMENTS: Readonly<Record<string, number>> = {
  EQ: 1,
  NE: 1,
  LE: 1,
  LT: 1,
  GE: 1,
  GT: 1,
  NOT_NULL: 0,
  NULL: 0,
  CONTAINS: 1,
  NOT_CONTAINS: 1,
  BEGINS_WITH: 1,
  BETWEEN: 2,
}

function comparison(
  name: string,
  operator: string,
  attribute: Operand,
  values: readonly Operand[],
): Condition {
  const path = [name]
  const expectedCount = ARGUMENTS[operator]
  if (operator === 'IN') {
    if (values.length === 0) invalid(`Invalid number of argument(s) for the IN ComparisonOperator`)
    return { kind: 'in', operand: attribute, list: values }
  }
  if (expectedCount === undefined) invalid(`Unsupported ComparisonOperator: ${operator}`)
  if (values.length !== expectedCount) {
    invalid(`Invalid number of argument(s) for the ${operator} ComparisonOperator`)
  }
  const [first, second] = values as [Operand, Operand]
  switch (operator) {
    case 'EQ':
      return { kind: 'compare', op: '=', left: attribute, right: first }
    case 'NE':
      return { kind: 'compare', op: '<>', left: attribute, right: first }
    case 'LE':
      return { kind: 'compare', op: '<=', left: attribute, right: first }
    case 'LT':
      return { kind: 'compare', op: '<', left: attribute, right: first }
    case 'GE':
      return { kind: 'compare', op: '>=', left: attribute, right: first }
    case 'GT':
      return { kind: 'compare', op: '>', left: attribute, right: first }
    case 'NOT_NULL':
      return { kind: 'exists', path }
    case 'NULL':
      return { kind: 'not-exists', path }
    case 'CONTAINS':
      return { kind: 'contains', path, operand: first }
    case 'NOT_CONTAINS':
      return { kind: 'not', condition: { kind: 'contains', path, operand: first } }
    case 'BEGINS_WITH':
      return { kind: 'begins-with', path, operand: first }
    default:
      return { kind: 'between', operand: attribute, low: first, high: second }
  }
}

/** `AttributeUpdates` as update actions: PUT (the default) sets, DELETE removes or takes elements out, ADD adds. */
export function attributeUpdateActions(updates: Readonly<Record<string, AttributeUpdate>>): UpdateAction[] {
  return Object.entries(updates).map(([name, update]) => {
    const path = [name]
    const value: AttributeValue | undefined = update.Value === undefined ? undefined : fromWire(update.Value)
    switch (update.Action ?? 'PUT') {
      case 'DELETE':
        if (value === undefined) return { kind: 'remove', path }
        if (!('SS' in value || 'NS' in value || 'BS' in value)) {
          invalid(`DELETE action with value is not supported for the type ${legacyTypeName(value)}`)
        }
        return { kind: 'delete', path, value }
      case 'ADD':
        if (value === undefined) invalid(`Only DELETE action is allowed when no attribute value is specified`)
        if ('S' in value || 'B' in value || 'BOOL' in value || 'NULL' in value || 'M' in value) {
          invalid(`ADD action is not supported for the type ${legacyTypeName(value)}`)
        }
        return { kind: 'add', path, value }
      default:
        if (value === undefined) invalid(`Only DELETE action is allowed when no attribute value is specified`)
        return { kind: 'set', path, value: { kind: 'value', value } }
    }
  })
}

function legacyTypeName(value: AttributeValue): string {
  const type = Object.keys(value)[0] ?? ''
  return (
    (
      { S: 'STRING', N: 'NUMBER', B: 'BINARY', BOOL: 'BOOLEAN', NULL: 'NULL', L: 'LIST', M: 'MAP' } as Record<
        string,
        string
      >
    )[type] ?? type
  )
}
