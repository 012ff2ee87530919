// The requests a KCL 3.5.1 worker sent to DynamoDB, one of each kind, exactly as recorded (the shared
// reference "What a KCL 3.x worker sends to DynamoDB"), in the order a worker sends them. TABLE is the
// application name; tests replace it with their own.

export const KCL_TABLE = 'probe-app-dump'
export const WORKER = '81b53f8a-1f2d-42ce-893a-b76b76b76183'

export interface KclRequest {
  readonly operation: string
  readonly body: Record<string, unknown>
}

export const KCL_REQUESTS: readonly KclRequest[] = [
  {
    operation: 'CreateTable',
    body: parse(
      '{"AttributeDefinitions":[{"AttributeName":"leaseKey","AttributeType":"S"}],"TableName":"probe-app-dump","KeySchema":[{"AttributeName":"leaseKey","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST","DeletionProtectionEnabled":false}',
    ),
  },
  {
    operation: 'PutItem',
    body: parse(
      '{"TableName":"probe-app-dump","Item":{"cv":{"S":"CLIENT_VERSION_3X"},"mb":{"S":"81b53f8a-1f2d-42ce-893a-b76b76b76183"},"entityType":{"S":"CLIENT_VERSION_MIGRATION"},"h":{"L":[{"M":{"cv":{"S":"CLIENT_VERSION_INIT"},"mb":{"S":"81b53f8a-1f2d-42ce-893a-b76b76b76183"},"mts":{"N":"1796612236405"}}}]},"leaseKey":{"S":"Migration3.0"},"mts":{"N":"1796612236407"}},"Expected":{"leaseKey":{"Exists":false}}}',
    ),
  },
  {
    operation: 'UpdateTable',
    body: parse(
      '{"AttributeDefinitions":[{"AttributeName":"leaseOwner","AttributeType":"S"},{"AttributeName":"leaseKey","AttributeType":"S"}],"TableName":"probe-app-dump","GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"LeaseOwnerToLeaseKeyIndex","KeySchema":[{"AttributeName":"leaseOwner","KeyType":"HASH"},{"AttributeName":"leaseKey","KeyType":"RANGE"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}}]}',
    ),
  },
  {
    operation: 'PutItem',
    body: parse(
      '{"TableName":"probe-app-dump","Item":{"leaseKey":{"S":"Leader"},"ownerName":{"S":"81b53f8a-1f2d-42ce-893a-b76b76b76183"},"recordVersionNumber":{"S":"d9c778bc-1744-4b4c-8b15-68dd77a462bd"},"entityType":{"S":"LEADER"},"leaseDuration":{"S":"120000"}},"ConditionExpression":"attribute_not_exists(#pk)","ExpressionAttributeNames":{"#pk":"leaseKey"}}',
    ),
  },
  {
    operation: 'Scan',
    body: parse('{"TableName":"probe-app-dump","TotalSegments":1,"Segment":0}'),
  },
  {
    operation: 'UpdateItem',
    body: parse(
      '{"TableName":"probe-app-dump","Key":{"leaseKey":{"S":"Leader"}},"UpdateExpression":"SET #ld = :ld, #rvn = :newRvn","ConditionExpression":"attribute_exists(#pk) AND #rvn = :rvn AND #on = :on","ExpressionAttributeNames":{"#on":"ownerName","#rvn":"recordVersionNumber","#ld":"leaseDuration","#pk":"leaseKey"},"ExpressionAttributeValues":{":newRvn":{"S":"ff8f0261-8787-4aeb-b5f1-b922918a2ae6"},":ld":{"S":"120000"},":on":{"S":"81b53f8a-1f2d-42ce-893a-b76b76b76183"},":rvn":{"S":"d9c778bc-1744-4b4c-8b15-68dd77a462bd"}}}',
    ),
  },
  {
    operation: 'UpdateItem',
    body: parse(
      '{"TableName":"probe-app-dump","Key":{"leaseKey":{"S":"shardId-000000000000"}},"AttributeUpdates":{"checkpointOwner":{"Action":"DELETE"},"leaseCounter":{"Value":{"N":"1"},"Action":"ADD"},"leaseOwner":{"Value":{"S":"81b53f8a-1f2d-42ce-893a-b76b76b76183"},"Action":"PUT"}},"Expected":{"checkpointOwner":{"Exists":false},"leaseKey":{"Value":{"S":"shardId-000000000000"},"Exists":true},"leaseOwner":{"Exists":false}},"ReturnValues":"ALL_NEW","ReturnValuesOnConditionCheckFailure":"ALL_OLD"}',
    ),
  },
  {
    operation: 'UpdateItem',
    body: parse(
      '{"TableName":"probe-app-dump","Key":{"leaseKey":{"S":"shardId-000000000000"}},"AttributeUpdates":{"checkpoint":{"Value":{"S":"52417862354729835827182797750608741186829965629266591744"},"Action":"PUT"},"endingHashKey":{"Value":{"S":"170141183460469231731687303715884105727"},"Action":"PUT"},"leaseCounter":{"Value":{"N":"5"},"Action":"PUT"},"pendingCheckpoint":{"Action":"DELETE"},"checkpointSubSequenceNumber":{"Value":{"N":"0"},"Action":"PUT"},"ownerSwitchesSinceCheckpoint":{"Value":{"N":"0"},"Action":"PUT"},"pendingCheckpointState":{"Action":"DELETE"},"pendingCheckpointSubSequenceNumber":{"Action":"DELETE"},"startingHashKey":{"Value":{"S":"0"},"Action":"PUT"}},"Expected":{"leaseCounter":{"Value":{"N":"4"}}}}',
    ),
  },
  {
    operation: 'Query',
    body: parse(
      '{"TableName":"probe-app-dump","IndexName":"LeaseOwnerToLeaseKeyIndex","KeyConditionExpression":"leaseOwner = :leaseOwner","ExpressionAttributeValues":{":leaseOwner":{"S":"81b53f8a-1f2d-42ce-893a-b76b76b76183"}}}',
    ),
  },
]

function parse(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>
}

/** A new lease as KCL's lease sync creates it (the leases the recorded UpdateItem calls then take and renew). */
export function newLease(shardId: string): Record<string, unknown> {
  return {
    leaseKey: { S: shardId },
    leaseCounter: { N: '0' },
    checkpoint: { S: 'TRIM_HORIZON' },
    checkpointSubSequenceNumber: { N: '0' },
    ownerSwitchesSinceCheckpoint: { N: '0' },
    startingHashKey: { S: '0' },
    endingHashKey: { S: '170141183460469231731687303715884105727' },
  }
}

/** A request's body for another table name. */
export function forTable(body: Record<string, unknown>, table: string): Record<string, unknown> {
  return { ...body, TableName: table }
}
