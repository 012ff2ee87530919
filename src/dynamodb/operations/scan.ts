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
import { hashKeyName, partitionHash, segmentOf } from '../tables/keys.ts'
import { readPage, sourceItems } from '../tables/read-pages.ts'
import type { AttributeValue } from '../values/attribute-value.ts'
import { parseExpressions } from './request-expressions.ts'
import { openRead, pageOutput } from './read-request.ts'

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
      const { startKey, table, source, storedItems } = await openRead(deps, input, context)
      let ordered = sourceItems(source, table, await storedItems())
      if (segment !== undefined && total !== undefined) {
        // Every item falls in exactly one segment: the one its partition key's hash range belongs to.
        const hashName = hashKeyName(source.schemas[0] ?? table.KeySchema)
        ordered = ordered.filter(
          (item) => segmentOf(partitionHash(item[hashName] as AttributeValue), total) === segment,
        )
      }
      const page = readPage(source, ordered, { exclusiveStartKey: startKey, limit: input.Limit, filter })
      return pageOutput(page, input.Select, projection)
    },
  })
}
