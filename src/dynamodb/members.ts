import type { ListShape, MapShape, ScalarShape, Shape, StructureShape } from '../aws/index.ts'

// Input members shared by DynamoDB's operations, with the constraints of the service model (botocore
// dynamodb/2012-08-10).

const attributeValueMembers: Record<string, Shape> = {}

/** A DynamoDB attribute value: one of S, N, B, SS, NS, BS, M, L, NULL, BOOL (M and L nest it). */
export const AttributeValue: StructureShape = { type: 'structure', members: attributeValueMembers }

const stringList: ListShape = { type: 'list', member: { type: 'string' } }
Object.assign(attributeValueMembers, {
  S: { type: 'string' },
  N: { type: 'string' },
  B: { type: 'blob' },
  SS: stringList,
  NS: stringList,
  BS: { type: 'list', member: { type: 'blob' } },
  M: { type: 'map', values: AttributeValue },
  L: { type: 'list', member: AttributeValue },
  NULL: { type: 'boolean' },
  BOOL: { type: 'boolean' },
})

export const AttributeMap: MapShape = { type: 'map', values: AttributeValue }

export const TableName: ScalarShape = {
  type: 'string',
  required: true,
  minLength: 3,
  maxLength: 255,
  pattern: '[a-zA-Z0-9_.-]+',
}

export const IndexName: ScalarShape = {
  type: 'string',
  minLength: 3,
  maxLength: 255,
  pattern: '[a-zA-Z0-9_.-]+',
}

export const Key: MapShape = { ...AttributeMap, required: true }

export const ExpressionAttributeNames: MapShape = { type: 'map', values: { type: 'string' } }
export const ExpressionAttributeValues: MapShape = AttributeMap

export const ReturnValues: ScalarShape = {
  type: 'string',
  enum: ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW'],
}

export const ReturnValuesOnConditionCheckFailure: ScalarShape = { type: 'string', enum: ['ALL_OLD', 'NONE'] }

export const ReturnConsumedCapacity: ScalarShape = { type: 'string', enum: ['INDEXES', 'TOTAL', 'NONE'] }

export const ReturnItemCollectionMetrics: ScalarShape = { type: 'string', enum: ['SIZE', 'NONE'] }

export const ConditionalOperator: ScalarShape = { type: 'string', enum: ['AND', 'OR'] }

export const ExpectedAttributeValue: StructureShape = {
  type: 'structure',
  members: {
    Value: AttributeValue,
    Exists: { type: 'boolean' },
    ComparisonOperator: {
      type: 'string',
      enum: [
        'EQ',
        'NE',
        'IN',
        'LE',
        'LT',
        'GE',
        'GT',
        'BETWEEN',
        'NOT_NULL',
        'NULL',
        'CONTAINS',
        'NOT_CONTAINS',
        'BEGINS_WITH',
      ],
    },
    AttributeValueList: { type: 'list', member: AttributeValue },
  },
}

export const Expected: MapShape = { type: 'map', values: ExpectedAttributeValue }

export const KeySchema: ListShape = {
  type: 'list',
  required: true,
  minLength: 1,
  maxLength: 2,
  member: {
    type: 'structure',
    members: {
      AttributeName: { type: 'string', required: true, minLength: 1, maxLength: 255 },
      KeyType: { type: 'string', required: true, enum: ['HASH', 'RANGE'] },
    },
  },
}

export const AttributeDefinitions: ListShape = {
  type: 'list',
  member: {
    type: 'structure',
    members: {
      AttributeName: { type: 'string', required: true, minLength: 1, maxLength: 255 },
      AttributeType: { type: 'string', required: true, enum: ['S', 'N', 'B'] },
    },
  },
}

export const ProvisionedThroughput: StructureShape = {
  type: 'structure',
  members: {
    ReadCapacityUnits: { type: 'long', required: true, min: 1 },
    WriteCapacityUnits: { type: 'long', required: true, min: 1 },
  },
}

export const Projection: StructureShape = {
  type: 'structure',
  members: {
    ProjectionType: { type: 'string', enum: ['ALL', 'KEYS_ONLY', 'INCLUDE'] },
    NonKeyAttributes: { type: 'list', minLength: 1, maxLength: 20, member: { type: 'string' } },
  },
}

export const GlobalSecondaryIndex: StructureShape = {
  type: 'structure',
  members: {
    IndexName: { ...IndexName, required: true },
    KeySchema,
    Projection: { ...Projection, required: true },
    ProvisionedThroughput,
  },
}

export const BillingMode: ScalarShape = { type: 'string', enum: ['PROVISIONED', 'PAY_PER_REQUEST'] }
