import type { DeleteItemInput, DeleteItemOutput } from '@aws-sdk/client-dynamodb'

import { defineOperation, type Operation } from '../../aws/index.ts'
import type { DynamoDbDeps } from '../deps.ts'
import { invalid } from '../errors.ts'
import { Key, TableName } from '../members.ts'
import { changeItem, refOf, scopeOf, usableTable } from '../tables/access.ts'
import { storageKeyOf } from '../tables/keys.ts'
import { itemFromWire, itemToWire } from '../values/attribute-value.ts'
import { asValidation, checkCondition, parseExpressions } from './request-expressions.ts'
import { WRITE_MEMBERS } from './write-members.ts'

export function deleteItem(deps: DynamoDbDeps): Operation<DeleteItemInput, DeleteItemOutput> {
  return defineOperation({
    name: 'DeleteItem',
    input: { TableName, Key, ...WRITE_MEMBERS },
    async handle(input, context) {
      const returnValues = input.ReturnValues ?? 'NONE'
      if (returnValues !== 'NONE' && returnValues !== 'ALL_OLD')
        throw invalid('Return values set to invalid value')
      const key = asValidation(() => itemFromWire(input.Key as Record<string, unknown>))
      const { condition } = parseExpressions(input)
      const scope = scopeOf(context)
      const table = await usableTable(deps, scope, input.TableName as string)
      const storageKey = storageKeyOf(table, key)
      const { before } = await changeItem(deps, refOf(scope, table), storageKey, (current) => {
        checkCondition(condition, current, input.ReturnValuesOnConditionCheckFailure)
        return undefined
      })
      if (returnValues === 'ALL_OLD' && before !== undefined) {
        return { Attributes: itemToWire(before) } as DeleteItemOutput
      }
      return {}
    },
  })
}
