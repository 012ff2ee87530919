import type { AwsError } from '../../aws/index.ts'
import { invalid } from '../errors.ts'
import type { Condition, Path, UpdateAction } from '../expressions/ast.ts'
import { evaluate, project } from '../expressions/evaluate.ts'
import {
  attributeUpdateActions,
  expectedCondition,
  type AttributeUpdate,
  type ExpectedEntry,
} from '../expressions/legacy.ts'
import { parseCondition, parseProjection, parseUpdate, type ExpressionKind } from '../expressions/parser.ts'
import { ExpressionError, Placeholders } from '../expressions/placeholders.ts'
import {
  AttributeValueError,
  fromWire,
  itemToWire,
  type AttributeValue,
  type Item,
} from '../values/attribute-value.ts'
import { ConditionalCheckFailedException } from '../errors.ts'

/** The expression members an item operation may carry, as read from the request. */
export interface ExpressionMembers {
  readonly ConditionExpression?: string | undefined
  readonly UpdateExpression?: string | undefined
  readonly ProjectionExpression?: string | undefined
  readonly FilterExpression?: string | undefined
  readonly KeyConditionExpression?: string | undefined
  readonly ExpressionAttributeNames?: Record<string, string> | undefined
  readonly ExpressionAttributeValues?: Record<string, unknown> | undefined
  readonly Expected?: Record<string, unknown> | undefined
  readonly ConditionalOperator?: string | undefined
  readonly AttributeUpdates?: Record<string, unknown> | undefined
}

export interface ParsedExpressions {
  readonly condition: Condition | undefined
  readonly update: UpdateAction[] | undefined
  readonly projection: Path[] | undefined
  readonly filter: Condition | undefined
  readonly keyCondition: Condition | undefined
}

/** Turns a thrown ExpressionError or AttributeValueError into DynamoDB's ValidationException. */
export function asValidation<T>(work: () => T): T {
  try {
    return work()
  } catch (error) {
    if (error instanceof ExpressionError || error instanceof AttributeValueError) throw invalid(error.message)
    throw error
  }
}

/**
 * Parses every expression of a request (placeholders resolved), or the legacy Expected / AttributeUpdates,
 * with DynamoDB's checks: not both forms at once, placeholders only with expressions, none left unused.
 */
export function parseExpressions(input: ExpressionMembers): ParsedExpressions {
  return asValidation(() => {
    const expressionMembers = (
      [
        'UpdateExpression',
        'ConditionExpression',
        'ProjectionExpression',
        'FilterExpression',
        'KeyConditionExpression',
      ] as const
    ).filter((name) => input[name] !== undefined)
    const legacyMembers = (['AttributeUpdates', 'Expected', 'ConditionalOperator'] as const).filter(
      (name) => input[name] !== undefined,
    )
    if (expressionMembers.length > 0 && legacyMembers.length > 0) {
      throw new ExpressionError(
        `Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {${legacyMembers.join(', ')}} Expression parameters: {${expressionMembers.join(', ')}}`,
      )
    }
    if (expressionMembers.length === 0) {
      if (input.ExpressionAttributeNames !== undefined) {
        throw new ExpressionError('ExpressionAttributeNames can only be specified when using expressions')
      }
      if (input.ExpressionAttributeValues !== undefined) {
        throw new ExpressionError('ExpressionAttributeValues can only be specified when using expressions')
      }
    }
    const values: Record<string, AttributeValue> = {}
    for (const [name, value] of Object.entries(input.ExpressionAttributeValues ?? {})) {
      if (!name.startsWith(':')) {
        throw new ExpressionError(
          `ExpressionAttributeValues contains invalid key: Syntax error; key: "${name}"`,
        )
      }
      try {
        values[name] = fromWire(value)
      } catch (error) {
        if (!(error instanceof AttributeValueError)) throw error
        throw new ExpressionError(
          `ExpressionAttributeValues contains invalid value: ${error.message} for key ${name}`,
        )
      }
    }
    const placeholders = new Placeholders(input.ExpressionAttributeNames, values)
    const condition = (source: string | undefined, kind: ExpressionKind) =>
      source === undefined ? undefined : parseCondition(source, kind, placeholders)
    const parsed: ParsedExpressions = {
      update:
        input.UpdateExpression !== undefined
          ? parseUpdate(input.UpdateExpression, placeholders)
          : input.AttributeUpdates !== undefined
            ? attributeUpdateActions(input.AttributeUpdates as Record<string, AttributeUpdate>)
            : undefined,
      condition:
        condition(input.ConditionExpression, 'ConditionExpression') ??
        (input.Expected === undefined
          ? undefined
          : expectedCondition(input.Expected as Record<string, ExpectedEntry>, input.ConditionalOperator)),
      projection:
        input.ProjectionExpression === undefined
          ? undefined
          : parseProjection(input.ProjectionExpression, placeholders),
      filter: condition(input.FilterExpression, 'FilterExpression'),
      keyCondition: condition(input.KeyConditionExpression, 'KeyConditionExpression'),
    }
    placeholders.checkAllUsed()
    return parsed
  })
}

/** Refuses the write unless the condition holds on the item as it is; with ALL_OLD the item goes with it. */
export function checkCondition(
  condition: Condition | undefined,
  item: Item | undefined,
  onFailure: string | undefined,
): void {
  if (condition === undefined || evaluate(condition, item)) return
  const error: AwsError = ConditionalCheckFailedException(
    onFailure === 'ALL_OLD' && item !== undefined ? itemToWire(item) : undefined,
  )
  throw error
}

export function projected(item: Item, projection: readonly Path[] | undefined): Item {
  return projection === undefined ? item : project(item, projection)
}
