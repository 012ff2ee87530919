import type { IndexDefinition, TableDefinition, TableScope, TableStats } from '../../ports/table-store.ts'

/** A table's ARN, as DynamoDB forms it. */
export function tableArn(scope: TableScope, name: string): string {
  return `arn:aws:dynamodb:${scope.region}:${scope.accountId}:table/${name}`
}

/** The TableDescription DynamoDB answers CreateTable, DescribeTable, UpdateTable and DeleteTable with. */
export function describeTable(
  scope: TableScope,
  table: TableDefinition,
  status: string,
  stats: TableStats,
  indexStatus: (index: IndexDefinition) => string,
): Record<string, unknown> {
  const arn = tableArn(scope, table.TableName)
  return {
    TableName: table.TableName,
    TableArn: arn,
    TableId: table.id,
    TableStatus: status,
    CreationDateTime: new Date(table.createdAt),
    KeySchema: table.KeySchema,
    AttributeDefinitions: table.AttributeDefinitions,
    ItemCount: stats.itemCount,
    TableSizeBytes: stats.sizeBytes,
    ProvisionedThroughput: throughput(table.ProvisionedThroughput),
    BillingModeSummary:
      table.BillingMode === 'PAY_PER_REQUEST'
        ? { BillingMode: 'PAY_PER_REQUEST', LastUpdateToPayPerRequestDateTime: new Date(table.createdAt) }
        : { BillingMode: 'PROVISIONED' },
    DeletionProtectionEnabled: table.DeletionProtectionEnabled,
    GlobalSecondaryIndexes:
      table.GlobalSecondaryIndexes.length === 0
        ? undefined
        : table.GlobalSecondaryIndexes.map((index) => ({
            IndexName: index.IndexName,
            KeySchema: index.KeySchema,
            Projection: index.Projection,
            IndexStatus: indexStatus(index),
            Backfilling: indexStatus(index) === 'CREATING' ? false : undefined,
            ProvisionedThroughput: throughput(index.ProvisionedThroughput),
            IndexSizeBytes: stats.sizeBytes,
            ItemCount: stats.itemCount,
            IndexArn: `${arn}/index/${index.IndexName}`,
          })),
  }
}

function throughput(provisioned: TableDefinition['ProvisionedThroughput']): Record<string, number> {
  return {
    NumberOfDecreasesToday: 0,
    ReadCapacityUnits: provisioned?.ReadCapacityUnits ?? 0,
    WriteCapacityUnits: provisioned?.WriteCapacityUnits ?? 0,
  }
}
