import type { DeleteItemInput, DeleteItemOutput } from '@aws-sdk/client-dynamodb'

import { defineOperation, type Operation } from '../../aws/index.ts'
import type { DynamoDbDeps } from '../deps.ts'
import { invalid } from '../errors.ts'
import { Key, TableName } from '../members.ts'
import { scopeOf, withWritableTable } from '../tables/access.ts'
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
      const { before } = await withWritableTable(
        deps,
        scopeOf(context),
        input.TableName as string,
        (table, changeItem) =>
          changeItem(storageKeyOf(table, key), (current) => {
            checkCondition(condition, current, input.ReturnValuesOnConditionCheckFailure)
            return undefined
          }),
      )
      if (returnValues === 'ALL_OLD' && before !== undefined) {
        return { Attributes: itemToWire(before) } as DeleteItemOutput
      }
      return {}
    },
  })
}
