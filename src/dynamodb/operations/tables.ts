import type {
  CreateTableInput,
  CreateTableOutput,
  DeleteTableInput,
  DeleteTableOutput,
  DescribeTableInput,
  DescribeTableOutput,
  ListTablesInput,
  ListTablesOutput,
  UpdateTableInput,
  UpdateTableOutput,
} from '@aws-sdk/client-dynamodb'

import { defineOperation, type Operation } from '../../aws/index.ts'
import type {
  AttributeDefinition,
  IndexDefinition,
  KeyElement,
  TableDefinition,
  TableScope,
  Throughput,
} from '../../ports/table-store.ts'
import type { DynamoDbDeps } from '../deps.ts'
import { invalid, ResourceInUseException, ResourceNotFoundException, unsupported } from '../errors.ts'
import {
  AttributeDefinitions,
  BillingMode,
  GlobalSecondaryIndex,
  KeySchema,
  ProvisionedThroughput,
  TableName,
} from '../members.ts'
import { existingTable, guarded, isActive, newTableId, refOf, scopeOf, recentOf } from '../tables/access.ts'
import { describeTable } from '../tables/describe.ts'

// The table operations: definitions live in the store; CREATING turns ACTIVE once `creatingDelayMs` has passed
// since creation (of the table, or of a global secondary index added later).

const STRUCTURE = { type: 'structure', members: {} } as const

export function createTable(deps: DynamoDbDeps): Operation<CreateTableInput, CreateTableOutput> {
  return defineOperation({
    name: 'CreateTable',
    input: {
      AttributeDefinitions: { ...AttributeDefinitions, required: true },
      TableName,
      KeySchema,
      LocalSecondaryIndexes: { type: 'list', member: STRUCTURE },
      GlobalSecondaryIndexes: { type: 'list', member: GlobalSecondaryIndex },
      BillingMode,
      ProvisionedThroughput,
      StreamSpecification: STRUCTURE,
      SSESpecification: STRUCTURE,
      Tags: { type: 'list', member: STRUCTURE },
      TableClass: { type: 'string', enum: ['STANDARD', 'STANDARD_INFREQUENT_ACCESS'] },
      DeletionProtectionEnabled: { type: 'boolean' },
      ResourcePolicy: { type: 'string' },
      OnDemandThroughput: STRUCTURE,
      WarmThroughput: STRUCTURE,
    },
    async handle(input, context) {
      for (const member of [
        'LocalSecondaryIndexes',
        'StreamSpecification',
        'ResourcePolicy',
        'OnDemandThroughput',
        'WarmThroughput',
      ] as const) {
        if (input[member] !== undefined) throw unsupported(member)
      }
      const billing = input.BillingMode ?? 'PROVISIONED'
      const provisioned = throughputOf(input.ProvisionedThroughput)
      if (billing === 'PROVISIONED' && provisioned === undefined) {
        throw invalid(
          'One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED',
        )
      }
      if (billing === 'PAY_PER_REQUEST' && provisioned !== undefined) {
        throw invalid(
          'One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST',
        )
      }
      const definitions = (input.AttributeDefinitions ?? []) as AttributeDefinition[]
      const keySchema = checkKeySchema(input.KeySchema as KeyElement[], definitions)
      const now = deps.clock.now()
      const indexes = (input.GlobalSecondaryIndexes ?? []).map((index) =>
        indexOf(index as IndexInput, definitions, billing, now),
      )
      checkDefinitionsUsed(definitions, [keySchema, ...indexes.map((index) => index.KeySchema)])
      const table: TableDefinition = {
        id: newTableId(),
        TableName: input.TableName as string,
        KeySchema: keySchema,
        AttributeDefinitions: definitions,
        BillingMode: billing,
        ...(provisioned === undefined ? {} : { ProvisionedThroughput: provisioned }),
        DeletionProtectionEnabled: input.DeletionProtectionEnabled ?? false,
        GlobalSecondaryIndexes: indexes,
        createdAt: now,
      }
      const scope = scopeOf(context)
      const created = await guarded(() => deps.tables.createTable(scope, table))
      if (!created) throw ResourceInUseException(`Table already exists: ${table.TableName}`)
      return {
        // DynamoDB answers CREATING, however soon the table turns ACTIVE.
        TableDescription: description(
          deps,
          scope,
          table,
          { itemCount: 0, sizeBytes: 0 },
          'CREATING',
          new Set(indexes.map((index) => index.IndexName)),
        ),
      }
    },
  })
}

export function describeTableOperation(
  deps: DynamoDbDeps,
): Operation<DescribeTableInput, DescribeTableOutput> {
  return defineOperation({
    name: 'DescribeTable',
    input: { TableName },
    async handle(input, context) {
      const scope = scopeOf(context)
      const { value: table } = await existingTable(deps, scope, input.TableName as string)
      const stats = await guarded(() => deps.tables.tableStats(refOf(scope, table)))
      return { Table: description(deps, scope, table, stats) }
    },
  })
}

export function updateTable(deps: DynamoDbDeps): Operation<UpdateTableInput, UpdateTableOutput> {
  return defineOperation({
    name: 'UpdateTable',
    input: {
      AttributeDefinitions,
      TableName,
      BillingMode,
      ProvisionedThroughput,
      GlobalSecondaryIndexUpdates: {
        type: 'list',
        member: {
          type: 'structure',
          members: { Update: STRUCTURE, Create: GlobalSecondaryIndex, Delete: STRUCTURE },
        },
      },
      StreamSpecification: STRUCTURE,
      SSESpecification: STRUCTURE,
      ReplicaUpdates: { type: 'list', member: STRUCTURE },
      TableClass: { type: 'string' },
      DeletionProtectionEnabled: { type: 'boolean' },
    },
    async handle(input, context) {
      for (const member of [
        'StreamSpecification',
        'SSESpecification',
        'ReplicaUpdates',
        'TableClass',
      ] as const) {
        if (input[member] !== undefined) throw unsupported(member)
      }
      const scope = scopeOf(context)
      for (;;) {
        const current = await existingTable(deps, scope, input.TableName as string)
        const table = current.value
        if (!isActive(table.createdAt, deps)) {
          throw ResourceInUseException(
            `Attempt to change a resource which is still in use: Table is being created: ${table.TableName}`,
          )
        }
        const definitions = mergedDefinitions(
          table.AttributeDefinitions,
          (input.AttributeDefinitions ?? []) as AttributeDefinition[],
        )
        const billing = input.BillingMode ?? table.BillingMode
        const provisioned =
          throughputOf(input.ProvisionedThroughput) ??
          (billing === 'PROVISIONED' ? table.ProvisionedThroughput : undefined)
        if (billing === 'PROVISIONED' && provisioned === undefined) {
          throw invalid(
            'One or more parameter values were invalid: ProvisionedThroughput must be specified when BillingMode is PROVISIONED',
          )
        }
        const indexes = [...table.GlobalSecondaryIndexes]
        for (const update of input.GlobalSecondaryIndexUpdates ?? []) {
          if (update.Update !== undefined || update.Delete !== undefined)
            throw unsupported('GlobalSecondaryIndexUpdates Update and Delete')
          if (update.Create === undefined) continue
          const created = indexOf(update.Create as IndexInput, definitions, billing, deps.clock.now())
          if (indexes.some((index) => index.IndexName === created.IndexName)) {
            throw invalid(
              `One or more parameter values were invalid: Index ${created.IndexName} already exists`,
            )
          }
          if (indexes.some((index) => !isActive(index.createdAt, deps))) {
            throw LimitExceededForIndexes(table.TableName)
          }
          indexes.push(created)
        }
        checkDefinitionsUsed(definitions, [table.KeySchema, ...indexes.map((index) => index.KeySchema)])
        const next: TableDefinition = {
          ...table,
          AttributeDefinitions: definitions,
          BillingMode: billing,
          ...(provisioned === undefined
            ? { ProvisionedThroughput: undefined }
            : { ProvisionedThroughput: provisioned }),
          DeletionProtectionEnabled: input.DeletionProtectionEnabled ?? table.DeletionProtectionEnabled,
          GlobalSecondaryIndexes: indexes,
        }
        const replaced = await guarded(() => deps.tables.replaceTable(scope, current, next))
        recentOf(deps).forgetTable(scope, next.TableName)
        if (!replaced) continue
        const stats = await guarded(() => deps.tables.tableStats(refOf(scope, next)))
        const added = new Set(
          indexes.slice(table.GlobalSecondaryIndexes.length).map((index) => index.IndexName),
        )
        return { TableDescription: description(deps, scope, next, stats, 'UPDATING', added) }
      }
    },
  })
}

function LimitExceededForIndexes(name: string) {
  return ResourceInUseException(
    `Attempt to change a resource which is still in use: Table is being updated: ${name}`,
  )
}

export function deleteTable(deps: DynamoDbDeps): Operation<DeleteTableInput, DeleteTableOutput> {
  return defineOperation({
    name: 'DeleteTable',
    input: { TableName },
    async handle(input, context) {
      const scope = scopeOf(context)
      const { value: table } = await existingTable(deps, scope, input.TableName as string)
      if (table.DeletionProtectionEnabled) {
        throw invalid(
          `Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.`,
        )
      }
      const stats = await guarded(() => deps.tables.tableStats(refOf(scope, table)))
      const deleted = await guarded(() => deps.tables.deleteTable(scope, table))
      recentOf(deps).forgetTable(scope, table.TableName)
      if (!deleted) throw ResourceNotFoundException()
      return { TableDescription: description(deps, scope, table, stats, 'DELETING') }
    },
  })
}

export function listTables(deps: DynamoDbDeps): Operation<ListTablesInput, ListTablesOutput> {
  return defineOperation({
    name: 'ListTables',
    input: {
      ExclusiveStartTableName: { type: 'string', minLength: 3, maxLength: 255, pattern: '[a-zA-Z0-9_.-]+' },
      Limit: { type: 'integer', min: 1, max: 100 },
    },
    async handle(input, context) {
      const names = await guarded(() => deps.tables.listTables(scopeOf(context)))
      const start = input.ExclusiveStartTableName
      const after = start === undefined ? names : names.filter((name) => name > start)
      const limit = input.Limit ?? 100
      const page = after.slice(0, limit)
      const last = page[page.length - 1]
      return {
        TableNames: page,
        ...(after.length > limit && last !== undefined ? { LastEvaluatedTableName: last } : {}),
      }
    },
  })
}

function description(
  deps: DynamoDbDeps,
  scope: TableScope,
  table: TableDefinition,
  stats: { itemCount: number; sizeBytes: number },
  status?: string,
  /** Indexes created by this request: CREATING in its answer, however soon they turn ACTIVE. */
  creating: ReadonlySet<string> = new Set(),
): Record<string, unknown> {
  const indexStatus = (index: IndexDefinition) =>
    !creating.has(index.IndexName) && isActive(index.createdAt, deps) ? 'ACTIVE' : 'CREATING'
  return describeTable(
    scope,
    table,
    status ?? (isActive(table.createdAt, deps) ? 'ACTIVE' : 'CREATING'),
    stats,
    indexStatus,
  )
}

function throughputOf(input: UpdateTableInput['ProvisionedThroughput']): Throughput | undefined {
  if (input?.ReadCapacityUnits === undefined || input.WriteCapacityUnits === undefined) return undefined
  return { ReadCapacityUnits: input.ReadCapacityUnits, WriteCapacityUnits: input.WriteCapacityUnits }
}

function checkKeySchema(
  schema: readonly KeyElement[],
  definitions: readonly AttributeDefinition[],
): KeyElement[] {
  const hash = schema.filter((element) => element.KeyType === 'HASH')
  const range = schema.filter((element) => element.KeyType === 'RANGE')
  if (hash.length !== 1 || range.length > 1 || schema[0]?.KeyType !== 'HASH') {
    throw invalid('Invalid KeySchema: The first KeySchemaElement is not a HASH key type')
  }
  for (const element of schema) {
    if (!definitions.some((definition) => definition.AttributeName === element.AttributeName)) {
      throw invalid(
        'One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. ' +
          `Keys: [${schema.map((e) => e.AttributeName).join(', ')}], AttributeDefinitions: [${definitions.map((d) => d.AttributeName).join(', ')}]`,
      )
    }
  }
  return schema.map((element) => ({ AttributeName: element.AttributeName, KeyType: element.KeyType }))
}

function checkDefinitionsUsed(
  definitions: readonly AttributeDefinition[],
  schemas: readonly (readonly KeyElement[])[],
): void {
  const used = new Set(schemas.flatMap((schema) => schema.map((element) => element.AttributeName)))
  if (
    definitions.some((definition) => !used.has(definition.AttributeName)) ||
    definitions.length !== new Set(definitions.map((d) => d.AttributeName)).size
  ) {
    throw invalid(
      `One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions`,
    )
  }
}

function mergedDefinitions(
  current: readonly AttributeDefinition[],
  added: readonly AttributeDefinition[],
): AttributeDefinition[] {
  const merged = [...current]
  for (const definition of added) {
    const existing = merged.find((entry) => entry.AttributeName === definition.AttributeName)
    if (existing === undefined) merged.push(definition)
    else if (existing.AttributeType !== definition.AttributeType) {
      throw invalid(
        `One or more parameter values were invalid: Cannot change the type of attribute ${definition.AttributeName}`,
      )
    }
  }
  return merged
}

interface IndexInput {
  IndexName: string
  KeySchema: KeyElement[]
  Projection: { ProjectionType?: string; NonKeyAttributes?: string[] }
  ProvisionedThroughput?: Throughput
}

function indexOf(
  index: IndexInput,
  definitions: readonly AttributeDefinition[],
  billing: string,
  now: number,
): IndexDefinition {
  const keySchema = checkKeySchema(index.KeySchema, definitions)
  if (billing === 'PROVISIONED' && index.ProvisionedThroughput === undefined) {
    throw invalid(
      `One or more parameter values were invalid: ProvisionedThroughput must be specified for index: ${index.IndexName}`,
    )
  }
  return {
    IndexName: index.IndexName,
    KeySchema: keySchema,
    Projection: {
      ProjectionType: index.Projection.ProjectionType ?? 'ALL',
      ...(index.Projection.NonKeyAttributes === undefined
        ? {}
        : { NonKeyAttributes: index.Projection.NonKeyAttributes }),
    },
    ...(index.ProvisionedThroughput === undefined
      ? {}
      : { ProvisionedThroughput: index.ProvisionedThroughput }),
    createdAt: now,
  }
}
