import { crc32 } from 'node:zlib'

import type { IndexDefinition, KeyElement, TableDefinition } from '../../ports/table-store.ts'
import { compareValues, typeOf, type AttributeValue, type Item } from '../values/attribute-value.ts'
import { invalid } from '../errors.ts'

// Primary keys: how a request's Key is checked against the table's key schema, how it is encoded as the item's
// storage key, and the order Scan and Query return items in.

export const KEY_MISMATCH = 'The provided key element does not match the schema'

export function hashKeyName(schema: readonly KeyElement[]): string {
  return (schema.find((element) => element.KeyType === 'HASH') as KeyElement).AttributeName
}

export function rangeKeyName(schema: readonly KeyElement[]): string | undefined {
  return schema.find((element) => element.KeyType === 'RANGE')?.AttributeName
}

function attributeType(table: TableDefinition, name: string): string | undefined {
  return table.AttributeDefinitions.find((definition) => definition.AttributeName === name)?.AttributeType
}

/** A request's Key (exactly the key attributes, of their types) as the item's storage key. */
export function storageKeyOf(table: TableDefinition, key: Item): string {
  const names = table.KeySchema.map((element) => element.AttributeName)
  if (Object.keys(key).length !== names.length) throw invalid(KEY_MISMATCH)
  for (const name of names) {
    const value = key[name]
    if (value === undefined || typeOf(value) !== attributeType(table, name)) throw invalid(KEY_MISMATCH)
  }
  return encodeKey(table, key)
}

/** The storage key of a whole item (PutItem), with DynamoDB's messages for missing or mistyped keys. */
export function storageKeyOfItem(table: TableDefinition, item: Item): string {
  for (const { AttributeName: name } of table.KeySchema) {
    const value = item[name]
    if (value === undefined)
      throw invalid(`One or more parameter values were invalid: Missing the key ${name} in the item`)
    const expected = attributeType(table, name)
    if (typeOf(value) !== expected) {
      throw invalid(
        `One or more parameter values were invalid: Type mismatch for key ${name} expected: ${expected ?? ''} actual: ${typeOf(value)}`,
      )
    }
    checkKeyValue(value, name)
  }
  return encodeKey(table, item)
}

function checkKeyValue(value: AttributeValue, name: string): void {
  if (('S' in value && value.S === '') || ('B' in value && value.B === '')) {
    throw invalid(
      `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${'S' in value ? 'string' : 'binary'} value. Key: ${name}`,
    )
  }
}

/** Index keys that an item carries must have the types the table defines for them. */
export function checkIndexKeys(table: TableDefinition, item: Item): void {
  for (const index of table.GlobalSecondaryIndexes) {
    for (const { AttributeName: name } of index.KeySchema) {
      const value = item[name]
      const expected = attributeType(table, name)
      if (value === undefined || typeOf(value) === expected) continue
      throw invalid(
        `One or more parameter values were invalid: Type mismatch for Index Key ${name} Expected: ${expected ?? ''} Actual: ${typeOf(value)} IndexName: ${index.IndexName}`,
      )
    }
  }
}

export function encodeKey(table: TableDefinition, item: Item): string {
  return JSON.stringify(table.KeySchema.map((element) => item[element.AttributeName]))
}

/** Just the key attributes of an item for a key schema (LastEvaluatedKey). */
export function keyAttributes(item: Item, schemas: readonly (readonly KeyElement[])[]): Item {
  const key: Record<string, AttributeValue> = {}
  for (const schema of schemas) {
    for (const { AttributeName: name } of schema) {
      const value = item[name]
      if (value !== undefined) key[name] = value
    }
  }
  return key
}

/** 0 … 2^32-1: where an item's partition key falls; Scan's order and its parallel segments follow it. */
export function partitionHash(value: AttributeValue): number {
  return crc32(JSON.stringify(value))
}

/** The segment of a parallel Scan an item belongs to: the partitions are split into equal hash ranges. */
export function segmentOf(hash: number, totalSegments: number): number {
  return Math.floor((hash * totalSegments) / 2 ** 32)
}

/**
 * The order of a key schema's items: by partition hash, then partition key, then sort key (Query, on one
 * partition, sees the sort key order).
 */
export function compareByKey(schema: readonly KeyElement[]): (a: Item, b: Item) => number {
  const hashName = hashKeyName(schema)
  const rangeName = rangeKeyName(schema)
  return (a, b) => {
    const x = a[hashName] as AttributeValue
    const y = b[hashName] as AttributeValue
    const byHash = partitionHash(x) - partitionHash(y)
    if (byHash !== 0) return byHash
    const byPartition = JSON.stringify(x).localeCompare(JSON.stringify(y))
    if (byPartition !== 0 || rangeName === undefined) return byPartition
    return compareValues(a[rangeName] as AttributeValue, b[rangeName] as AttributeValue) ?? 0
  }
}

export function findIndex(table: TableDefinition, name: string): IndexDefinition | undefined {
  return table.GlobalSecondaryIndexes.find((index) => index.IndexName === name)
}
