import type { GetItemInput, GetItemOutput } from '@aws-sdk/client-dynamodb'

import { defineOperation, type Operation } from '../../aws/index.ts'
import type { DynamoDbDeps } from '../deps.ts'
import { unsupported } from '../errors.ts'
import { ExpressionAttributeNames, Key, ReturnConsumedCapacity, TableName } from '../members.ts'
import { guarded, refOf, scopeOf, usableTable, recentOf } from '../tables/access.ts'
import { storageKeyOf } from '../tables/keys.ts'
import { itemFromWire, itemToWire, type Item } from '../values/attribute-value.ts'
import { asValidation, parseExpressions, projected } from './request-expressions.ts'

export function getItem(deps: DynamoDbDeps): Operation<GetItemInput, GetItemOutput> {
  return defineOperation({
    name: 'GetItem',
    input: {
      TableName,
      Key,
      AttributesToGet: { type: 'list', member: { type: 'string' } },
      ConsistentRead: { type: 'boolean' },
      ReturnConsumedCapacity,
      ProjectionExpression: { type: 'string' },
      ExpressionAttributeNames,
    },
    async handle(input, context) {
      if (input.AttributesToGet !== undefined) throw unsupported('AttributesToGet')
      const key = asValidation(() => itemFromWire(input.Key as Record<string, unknown>))
      const { projection } = parseExpressions(input)
      const scope = scopeOf(context)
      const table = await usableTable(deps, scope, input.TableName as string)
      const storageKey = storageKeyOf(table, key)
      // Every read is strongly consistent: a write is in Redis before it is answered.
      const ref = refOf(scope, table)
      const found = await guarded(() => deps.tables.getItem(ref, storageKey))
      recentOf(deps).rememberItem(ref, storageKey, found)
      if (found === undefined) return {}
      return { Item: itemToWire(projected(found.value as Item, projection)) } as GetItemOutput
    },
  })
}
