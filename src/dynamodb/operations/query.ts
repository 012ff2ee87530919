import type { QueryInput, QueryOutput } from '@aws-sdk/client-dynamodb'

import { defineOperation, type Operation } from '../../aws/index.ts'
import type { DynamoDbDeps } from '../deps.ts'
import { invalid, unsupported } from '../errors.ts'
import type { Condition } from '../expressions/ast.ts'
import {
  AttributeMap,
  ExpressionAttributeNames,
  ExpressionAttributeValues,
  IndexName,
  ReturnConsumedCapacity,
  TableName,
} from '../members.ts'
import { hashKeyName, rangeKeyName } from '../tables/keys.ts'
import { readPage, sourceItems } from '../tables/read-pages.ts'
import { evaluate } from '../expressions/evaluate.ts'
import { parseExpressions } from './request-expressions.ts'
import { openRead, pageOutput } from './read-request.ts'

export function query(deps: DynamoDbDeps): Operation<QueryInput, QueryOutput> {
  return defineOperation({
    name: 'Query',
    input: {
      TableName,
      IndexName,
      Select: {
        type: 'string',
        enum: ['ALL_ATTRIBUTES', 'ALL_PROJECTED_ATTRIBUTES', 'SPECIFIC_ATTRIBUTES', 'COUNT'],
      },
      AttributesToGet: { type: 'list', member: { type: 'string' } },
      Limit: { type: 'integer', min: 1 },
      ConsistentRead: { type: 'boolean' },
      KeyConditions: { type: 'map', values: { type: 'structure', members: {} } },
      QueryFilter: { type: 'map', values: { type: 'structure', members: {} } },
      ConditionalOperator: { type: 'string', enum: ['AND', 'OR'] },
      ScanIndexForward: { type: 'boolean' },
      ExclusiveStartKey: AttributeMap,
      ReturnConsumedCapacity,
      ProjectionExpression: { type: 'string' },
      FilterExpression: { type: 'string' },
      KeyConditionExpression: { type: 'string' },
      ExpressionAttributeNames,
      ExpressionAttributeValues,
    },
    async handle(input, context) {
      if (input.AttributesToGet !== undefined) throw unsupported('AttributesToGet')
      if (input.KeyConditions !== undefined) throw unsupported('KeyConditions')
      if (input.QueryFilter !== undefined || input.ConditionalOperator !== undefined)
        throw unsupported('QueryFilter')
      if (input.KeyConditionExpression === undefined) {
        throw invalid(
          'Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.',
        )
      }
      const { filter, projection, keyCondition } = parseExpressions(input)
      const { startKey, table, source, storedItems } = await openRead(deps, input, context)
      const schema = source.schemas[0] ?? table.KeySchema
      checkKeyCondition(keyCondition as Condition, hashKeyName(schema), rangeKeyName(schema))
      let ordered = sourceItems(source, table, await storedItems()).filter((item) =>
        evaluate(keyCondition as Condition, item),
      )
      if (input.ScanIndexForward === false) ordered = ordered.reverse()
      const forward = input.ScanIndexForward !== false
      const page = readPage(forward ? source : { ...source, order: (a, b) => source.order(b, a) }, ordered, {
        exclusiveStartKey: startKey,
        limit: input.Limit,
        filter,
      })
      return pageOutput(page, input.Select, projection)
    },
  })
}

/** A key condition is `hash = value`, optionally AND one comparison, BETWEEN or begins_with on the sort key. */
function checkKeyCondition(condition: Condition, hashName: string, rangeName: string | undefined): void {
  const parts = condition.kind === 'and' ? [condition.left, condition.right] : [condition]
  let hashSeen = false
  for (const part of parts) {
    const attribute = keyAttributeOf(part)
    if (attribute === hashName && part.kind === 'compare' && part.op === '=' && !hashSeen) hashSeen = true
    else if (
      attribute === undefined ||
      attribute !== rangeName ||
      (part.kind === 'compare' && part.op === '<>')
    ) {
      throw invalid(
        attribute !== undefined && attribute !== hashName && attribute !== rangeName
          ? `Query condition missed key schema element: ${hashName}`
          : 'Query key condition not supported',
      )
    }
  }
  if (!hashSeen) throw invalid(`Query condition missed key schema element: ${hashName}`)
}

function keyAttributeOf(condition: Condition): string | undefined {
  switch (condition.kind) {
    case 'compare':
      if (
        condition.left.kind === 'path' &&
        condition.left.path.length === 1 &&
        condition.right.kind === 'value'
      ) {
        return condition.left.path[0] as string
      }
      return undefined
    case 'between':
      return condition.operand.kind === 'path' && condition.operand.path.length === 1
        ? (condition.operand.path[0] as string)
        : undefined
    case 'begins-with':
      return condition.path.length === 1 ? (condition.path[0] as string) : undefined
    default:
      return undefined
  }
}
