import type { ScanInput, ScanOutput } from '@aws-sdk/client-dynamodb'

import { defineOperation, type Operation } from '../../aws/index.ts'
import type { DynamoDbDeps } from '../deps.ts'
import { invalid, unsupported } from '../errors.ts'
import {
  AttributeMap,
  ExpressionAttributeNames,
  ExpressionAttributeValues,
  IndexName,
  ReturnConsumedCapacity,
  TableName,
} from '../members.ts'
import { guarded, refOf, scopeOf, usableTable } from '../tables/access.ts'
import { hashKeyName, partitionHash, segmentOf } from '../tables/keys.ts'
import { readPage, readSource, sourceItems } from '../tables/read-pages.ts'
import { itemFromWire, itemToWire, type AttributeValue, type Item } from '../values/attribute-value.ts'
import { asValidation, parseExpressions, projected } from './request-expressions.ts'

export function scan(deps: DynamoDbDeps): Operation<ScanInput, ScanOutput> {
  return defineOperation({
    name: 'Scan',
    input: {
      TableName,
      IndexName,
      AttributesToGet: { type: 'list', member: { type: 'string' } },
      Limit: { type: 'integer', min: 1 },
      Select: {
        type: 'string',
        enum: ['ALL_ATTRIBUTES', 'ALL_PROJECTED_ATTRIBUTES', 'SPECIFIC_ATTRIBUTES', 'COUNT'],
      },
      ScanFilter: { type: 'map', values: { type: 'structure', members: {} } },
      ConditionalOperator: { type: 'string', enum: ['AND', 'OR'] },
      ExclusiveStartKey: AttributeMap,
      ReturnConsumedCapacity,
      TotalSegments: { type: 'integer', min: 1, max: 1000000 },
      Segment: { type: 'integer', min: 0, max: 999999 },
      ProjectionExpression: { type: 'string' },
      FilterExpression: { type: 'string' },
      ExpressionAttributeNames,
      ExpressionAttributeValues,
      ConsistentRead: { type: 'boolean' },
    },
    async handle(input, context) {
      if (input.AttributesToGet !== undefined) throw unsupported('AttributesToGet')
      if (input.ScanFilter !== undefined || input.ConditionalOperator !== undefined)
        throw unsupported('ScanFilter')
      const { Segment: segment, TotalSegments: total } = input
      if ((segment === undefined) !== (total === undefined)) {
        throw invalid(
          segment === undefined
            ? 'The Segment parameter is required but was not present in the request when parameter TotalSegments is present'
            : 'The TotalSegments parameter is required but was not present in the request when Segment parameter is present',
        )
      }
      if (segment !== undefined && total !== undefined && segment >= total) {
        throw invalid(
          `The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: ${segment} is not less than TotalSegments: ${total}`,
        )
      }
      const { filter, projection } = parseExpressions(input)
      const startKey =
        input.ExclusiveStartKey === undefined
          ? undefined
          : asValidation(() => itemFromWire(input.ExclusiveStartKey as Record<string, unknown>))
      const scope = scopeOf(context)
      const table = await usableTable(deps, scope, input.TableName as string)
      const source = readSource(table, input.IndexName)
      if (source.index !== undefined && input.ConsistentRead === true) {
        throw invalid('Consistent reads are not supported on global secondary indexes')
      }
      const stored = (await guarded(() => deps.tables.items(refOf(scope, table)))) as Item[]
      let ordered = sourceItems(source, table, stored)
      if (segment !== undefined && total !== undefined) {
        // Every item falls in exactly one segment: the one its partition key's hash range belongs to.
        const hashName = hashKeyName(source.schemas[0] ?? table.KeySchema)
        ordered = ordered.filter(
          (item) => segmentOf(partitionHash(item[hashName] as AttributeValue), total) === segment,
        )
      }
      const page = readPage(source, ordered, { exclusiveStartKey: startKey, limit: input.Limit, filter })
      return {
        ...(input.Select === 'COUNT'
          ? {}
          : { Items: page.items.map((item) => itemToWire(projected(item, projection))) }),
        Count: page.items.length,
        ScannedCount: page.scannedCount,
        LastEvaluatedKey: page.lastEvaluatedKey === undefined ? undefined : itemToWire(page.lastEvaluatedKey),
      } as ScanOutput
    },
  })
}
