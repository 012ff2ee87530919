import type { InputMembers } from '../../aws/index.ts'
import {
  ConditionalOperator,
  Expected,
  ExpressionAttributeNames,
  ExpressionAttributeValues,
  ReturnConsumedCapacity,
  ReturnItemCollectionMetrics,
  ReturnValues,
  ReturnValuesOnConditionCheckFailure,
} from '../members.ts'

/** The members PutItem, UpdateItem and DeleteItem share, after TableName and Key/Item. */
export const WRITE_MEMBERS: InputMembers = {
  Expected,
  ReturnValues,
  ReturnConsumedCapacity,
  ReturnItemCollectionMetrics,
  ConditionalOperator,
  ConditionExpression: { type: 'string' },
  ExpressionAttributeNames,
  ExpressionAttributeValues,
  ReturnValuesOnConditionCheckFailure,
}
