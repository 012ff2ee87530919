import type { UpdateItemInput, UpdateItemOutput } from '@aws-sdk/client-dynamodb'

import { defineOperation, type Operation } from '../../aws/index.ts'
import type { DynamoDbDeps } from '../deps.ts'
import { invalid } from '../errors.ts'
import { applyUpdate, updatedAttributes } from '../expressions/update.ts'
import { AttributeValue, Key, TableName } from '../members.ts'
import { scopeOf, withWritableTable } from '../tables/access.ts'
import { checkIndexKeys, storageKeyOf } from '../tables/keys.ts'
import {
  itemFromWire,
  itemSize,
  itemToWire,
  type AttributeValue as Value,
  type Item,
} from '../values/attribute-value.ts'
import { MAX_ITEM_BYTES } from './put-item.ts'
import { asValidation, checkCondition, parseExpressions } from './request-expressions.ts'
import { WRITE_MEMBERS } from './write-members.ts'

export function updateItem(deps: DynamoDbDeps): Operation<UpdateItemInput, UpdateItemOutput> {
  return defineOperation({
    name: 'UpdateItem',
    input: {
      TableName,
      Key,
      AttributeUpdates: {
        type: 'map',
        values: {
          type: 'structure',
          members: { Value: AttributeValue, Action: { type: 'string', enum: ['ADD', 'PUT', 'DELETE'] } },
        },
      },
      ...WRITE_MEMBERS,
      UpdateExpression: { type: 'string' },
    },
    async handle(input, context) {
      const key = asValidation(() => itemFromWire(input.Key as Record<string, unknown>))
      const { condition, update = [] } = parseExpressions(input)
      const legacy = input.AttributeUpdates !== undefined
      const { before, after } = await withWritableTable(
        deps,
        scopeOf(context),
        input.TableName as string,
        (table, changeItem) => {
          const storageKey = storageKeyOf(table, key)
          for (const action of update) {
            const name = action.path[0] as string
            if (key[name] !== undefined) {
              throw invalid(
                `One or more parameter values were invalid: Cannot update attribute ${name}. This attribute is part of the key`,
              )
            }
          }
          return changeItem(storageKey, (current) => {
            checkCondition(condition, current, input.ReturnValuesOnConditionCheckFailure)
            const next = asValidation(() => applyUpdate({ ...current, ...key }, update, legacy))
            checkIndexKeys(table, next)
            if (itemSize(next) > MAX_ITEM_BYTES)
              throw invalid('Item size to update has exceeded the maximum allowed size')
            return next
          })
        },
      )
      const attributes = returned(
        input.ReturnValues ?? 'NONE',
        before,
        after as Item,
        updatedAttributes(update),
      )
      return attributes === undefined ? {} : ({ Attributes: itemToWire(attributes) } as UpdateItemOutput)
    },
  })
}

function returned(
  returnValues: string,
  before: Item | undefined,
  after: Item,
  updated: ReadonlySet<string>,
): Item | undefined {
  const only = (item: Item | undefined): Item | undefined => {
    if (item === undefined) return undefined
    const picked: Record<string, Value> = {}
    for (const name of updated) {
      const value = item[name]
      if (value !== undefined) picked[name] = value
    }
    return Object.keys(picked).length === 0 ? undefined : picked
  }
  switch (returnValues) {
    case 'ALL_OLD':
      return before
    case 'ALL_NEW':
      return after
    case 'UPDATED_OLD':
      return only(before)
    case 'UPDATED_NEW':
      return only(after)
    default:
      return undefined
  }
}
