import type { PutItemInput, PutItemOutput } from '@aws-sdk/client-dynamodb'

import { defineOperation, type Operation } from '../../aws/index.ts'
import type { DynamoDbDeps } from '../deps.ts'
import { invalid } from '../errors.ts'
import { AttributeMap, TableName } from '../members.ts'
import { scopeOf, withWritableTable } from '../tables/access.ts'
import { checkIndexKeys, storageKeyOfItem } from '../tables/keys.ts'
import { itemFromWire, itemSize, itemToWire } from '../values/attribute-value.ts'
import { asValidation, checkCondition, parseExpressions } from './request-expressions.ts'
import { WRITE_MEMBERS } from './write-members.ts'

export const MAX_ITEM_BYTES = 400 * 1024

export function putItem(deps: DynamoDbDeps): Operation<PutItemInput, PutItemOutput> {
  return defineOperation({
    name: 'PutItem',
    input: { TableName, Item: { ...AttributeMap, required: true }, ...WRITE_MEMBERS },
    async handle(input, context) {
      const returnValues = input.ReturnValues ?? 'NONE'
      if (returnValues !== 'NONE' && returnValues !== 'ALL_OLD')
        throw invalid('Return values set to invalid value')
      const item = asValidation(() => itemFromWire(input.Item as Record<string, unknown>))
      const { condition } = parseExpressions(input)
      if (itemSize(item) > MAX_ITEM_BYTES) throw invalid('Item size has exceeded the maximum allowed size')
      const { before } = await withWritableTable(
        deps,
        scopeOf(context),
        input.TableName as string,
        (table, changeItem) => {
          const key = storageKeyOfItem(table, item)
          checkIndexKeys(table, item)
          return changeItem(key, (current) => {
            checkCondition(condition, current, input.ReturnValuesOnConditionCheckFailure)
            return item
          })
        },
      )
      if (returnValues === 'ALL_OLD' && before !== undefined) {
        return { Attributes: itemToWire(before) } as PutItemOutput
      }
      return {}
    },
  })
}
