import { describe, expect, it } from 'vitest'

import { KCL_REQUESTS, WORKER } from '../../../test/support/dynamodb/kcl-requests.ts'
import { parseExpressions } from '../operations/request-expressions.ts'
import {
  addNumbers,
  canonicalNumber,
  compareNumbers,
  numberProblem,
  subtractNumbers,
} from '../values/numbers.ts'
import type { Item } from '../values/attribute-value.ts'
import { evaluate, project } from './evaluate.ts'
import { applyUpdate } from './update.ts'

const item: Item = {
  id: { S: 'shard-1' },
  n: { N: '10' },
  s: { S: 'hello world' },
  b: { B: Buffer.from('abc').toString('base64') },
  flag: { BOOL: true },
  nothing: { NULL: true },
  tags: { SS: ['a', 'b'] },
  nums: { NS: ['1', '2'] },
  list: { L: [{ S: 'x' }, { N: '2' }] },
  map: { M: { inner: { N: '5' }, deeper: { M: { leaf: { S: 'y' } } } } },
}

function condition(expression: string, values: Record<string, unknown> = {}, names?: Record<string, string>) {
  const { condition: parsed } = parseExpressions({
    ConditionExpression: expression,
    ...(Object.keys(values).length === 0 ? {} : { ExpressionAttributeValues: values }),
    ...(names === undefined ? {} : { ExpressionAttributeNames: names }),
  })
  if (parsed === undefined) throw new Error('no condition')
  return parsed
}

function holds(expression: string, values: Record<string, unknown> = {}, names?: Record<string, string>) {
  return evaluate(condition(expression, values, names), item)
}

function validation(members: Record<string, unknown>): string {
  try {
    parseExpressions(members)
  } catch (error) {
    return (error as Error).message
  }
  return 'no error'
}

describe('condition expressions', () => {
  it.each([
    ['n = :ten', true],
    ['n <> :ten', false],
    ['n < :eleven', true],
    ['n <= :ten', true],
    ['n > :ten', false],
    ['n >= :ten', true],
    ['n = :tenText', false],
    ['missing <> :ten', true],
    ['missing = :ten', false],
    ['n BETWEEN :one AND :eleven', true],
    ['n between :eleven and :twelve', false],
    ['n IN (:one, :ten)', true],
    ['s IN (:one)', false],
    ['attribute_exists(map.deeper.leaf)', true],
    ['attribute_not_exists(map.nope)', true],
    ['attribute_exists(list[1])', true],
    ['attribute_exists(list[2])', false],
    ['attribute_type(nums, :ns)', true],
    ['attribute_type(n, :ns)', false],
    ['begins_with(s, :hello)', true],
    ['begins_with(b, :ab)', true],
    ['contains(s, :world)', true],
    ['contains(tags, :a)', true],
    ['contains(nums, :one)', true],
    ['contains(list, :x)', true],
    ['size(s) = :eleven', true],
    ['size(tags) < :ten', true],
    ['size(map) = :two', true],
    ['NOT n = :ten', false],
    ['n = :one OR n = :ten AND s = :hello', false],
    ['(n = :one OR n = :ten) AND NOT (s = :hello)', true],
    ['n = :one OR (n = :ten AND attribute_exists(flag))', true],
    ['map.inner = :five AND list[0] = :x', true],
  ])('%s is %s', (expression, expected) => {
    const values: Record<string, unknown> = {
      ':one': { N: '1' },
      ':two': { N: '2' },
      ':five': { N: '5.0' },
      ':ten': { N: '10' },
      ':tenText': { S: '10' },
      ':eleven': { N: '11' },
      ':twelve': { N: '12' },
      ':ns': { S: 'NS' },
      ':hello': { S: 'hello' },
      ':world': { S: 'world' },
      ':a': { S: 'a' },
      ':x': { S: 'x' },
      ':ab': { B: Buffer.from('ab') },
    }
    const used = Object.fromEntries(
      Object.entries(values).filter(([name]) => new RegExp(`${name}\\b`).test(expression)),
    )
    expect(holds(expression, used)).toBe(expected)
  })

  it('resolves attribute names, including reserved words and dotted names', () => {
    expect(holds('#n = :v', { ':v': { N: '10' } }, { '#n': 'n' })).toBe(true)
    expect(holds('#m.#i = :v', { ':v': { N: '5' } }, { '#m': 'map', '#i': 'inner' })).toBe(true)
  })

  it.each([
    [{ ConditionExpression: '' }, 'Invalid ConditionExpression: The expression can not be empty;'],
    [
      { ConditionExpression: '#a = :v', ExpressionAttributeValues: { ':v': { S: 'x' } } },
      'Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #a',
    ],
    [
      { ConditionExpression: 'a = :v' },
      'Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :v',
    ],
    [
      {
        ConditionExpression: 'a = :v',
        ExpressionAttributeValues: { ':v': { S: 'x' } },
        ExpressionAttributeNames: { '#a': 'a' },
      },
      'Value provided in ExpressionAttributeNames unused in expressions: keys: {#a}',
    ],
    [{ ConditionExpression: 'a = ' }, 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "="'],
    [
      { ConditionExpression: 'a = b c' },
      'Invalid ConditionExpression: Syntax error; token: "c", near: "b c"',
    ],
    [{ ConditionExpression: 'a ! b' }, 'Invalid ConditionExpression: Syntax error; token: "!", near: "a !"'],
    [
      { ConditionExpression: 'nope(a)' },
      'Invalid ConditionExpression: Invalid function name; function: nope',
    ],
    [
      { ConditionExpression: 'attribute_type(a, :t)', ExpressionAttributeValues: { ':t': { S: 'X' } } },
      'Invalid ConditionExpression: Invalid attribute type name found; type: X, valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }',
    ],
    [
      { ConditionExpression: 'attribute_exists(:v)', ExpressionAttributeValues: { ':v': { S: 'x' } } },
      'Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists',
    ],
    [
      { ExpressionAttributeNames: { '#a': 'a' } },
      'ExpressionAttributeNames can only be specified when using expressions',
    ],
    [
      { ConditionExpression: 'a = :v', ExpressionAttributeValues: { ':v': {} } },
      'ExpressionAttributeValues contains invalid value: Supplied AttributeValue is empty, must contain exactly one of the supported datatypes for key :v',
    ],
    [
      { ConditionExpression: 'a = :v', ExpressionAttributeValues: { ':v': { N: 'abc' } } },
      'ExpressionAttributeValues contains invalid value: The parameter cannot be converted to a numeric value: abc for key :v',
    ],
    [
      { ConditionExpression: 'a = :v', ExpressionAttributeValues: { ':v': { SS: ['a', 'a'] } } },
      'ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: Input collection [a, a] contains duplicates. for key :v',
    ],
  ])('refuses %j with DynamoDB’s message', (members, message) => {
    expect(validation(members)).toBe(message)
  })
})

describe('update expressions', () => {
  function update(expression: string, values: Record<string, unknown> = {}, on: Item = item): Item {
    const { update: actions } = parseExpressions({
      UpdateExpression: expression,
      ...(Object.keys(values).length === 0 ? {} : { ExpressionAttributeValues: values }),
    })
    return applyUpdate(on, actions ?? [])
  }

  it('sets with arithmetic, if_not_exists and list_append, evaluated against the item as it was', () => {
    const after = update(
      'SET n = n + :one, c = if_not_exists(c, :one) - :two, list = list_append(list, :l), copy = n',
      {
        ':one': { N: '1' },
        ':two': { N: '2' },
        ':l': { L: [{ S: 'z' }] },
      },
    )
    expect(after.n).toEqual({ N: '11' })
    expect(after.c).toEqual({ N: '-1' })
    expect(after.list).toEqual({ L: [{ S: 'x' }, { N: '2' }, { S: 'z' }] })
    expect(after.copy).toEqual({ N: '10' })
  })

  it('sets and removes nested paths and list elements', () => {
    const after = update('SET map.inner = :v, list[5] = :v, map.deeper.leaf = :v REMOVE list[0], s', {
      ':v': { S: 'v' },
    })
    expect(after.map).toEqual({ M: { inner: { S: 'v' }, deeper: { M: { leaf: { S: 'v' } } } } })
    expect(after.list).toEqual({ L: [{ N: '2' }, { S: 'v' }] })
    expect(after.s).toBeUndefined()
  })

  it('adds to numbers and sets, deletes from sets, and drops a set that becomes empty', () => {
    const after = update('ADD n :five, tags :c, fresh :five DELETE nums :nums', {
      ':five': { N: '5' },
      ':c': { SS: ['c', 'a'] },
      ':nums': { NS: ['1', '2.0'] },
    })
    expect(after.n).toEqual({ N: '15' })
    expect(after.fresh).toEqual({ N: '5' })
    expect(after.tags).toEqual({ SS: ['a', 'b', 'c'] })
    expect(after.nums).toBeUndefined()
  })

  it.each([
    [
      'SET a = :v SET b = :v',
      'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;',
    ],
    ['SET a = nope(:v)', 'Invalid UpdateExpression: Invalid function name; function: nope'],
    [
      'SET a = if_not_exists(:v)',
      'Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1',
    ],
    [
      'SET a = if_not_exists(:v, :v)',
      'Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists',
    ],
    [
      'SET a = a + :v',
      'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S',
    ],
    [
      'DELETE a :v',
      'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: STRING',
    ],
    ['SET a', 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "a"'],
  ])('refuses %s', (expression, message) => {
    expect(
      validation({ UpdateExpression: expression, ExpressionAttributeValues: { ':v': { S: 'x' } } }),
    ).toBe(message)
  })

  it('refuses operands of the wrong type found in the item', () => {
    expect(() => update('SET s = s + :one', { ':one': { N: '1' } })).toThrow(
      'An operand in the update expression has an incorrect data type',
    )
    expect(() => update('SET x = missing')).toThrow(
      'The provided expression refers to an attribute that does not exist in the item',
    )
    expect(() => update('SET missing.a = :one', { ':one': { N: '1' } })).toThrow(
      'The document path provided in the update expression is invalid for update',
    )
  })
})

describe('the legacy Expected and AttributeUpdates', () => {
  it.each([
    [{ n: { Value: { N: '10' } } }, undefined, true],
    [{ n: { Value: { N: '10' }, Exists: true } }, undefined, true],
    [{ n: { Exists: false } }, undefined, false],
    [{ missing: { Exists: false } }, undefined, true],
    [{ n: { ComparisonOperator: 'GT', AttributeValueList: [{ N: '9' }] } }, undefined, true],
    [
      { n: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ N: '1' }, { N: '9' }] } },
      undefined,
      false,
    ],
    [{ n: { ComparisonOperator: 'IN', AttributeValueList: [{ N: '1' }, { N: '10' }] } }, undefined, true],
    [{ missing: { ComparisonOperator: 'NE', AttributeValueList: [{ N: '1' }] } }, undefined, true],
    [{ missing: { ComparisonOperator: 'NULL' } }, undefined, true],
    [{ s: { ComparisonOperator: 'NOT_NULL' } }, undefined, true],
    [{ s: { ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [{ S: 'hell' }] } }, undefined, true],
    [{ tags: { ComparisonOperator: 'NOT_CONTAINS', AttributeValueList: [{ S: 'a' }] } }, undefined, false],
    [{ n: { Value: { N: '1' } }, s: { Exists: true, Value: { S: 'hello world' } } }, undefined, false],
    [{ n: { Value: { N: '1' } }, s: { Exists: true, Value: { S: 'hello world' } } }, 'OR', true],
    // Value as the one argument of a ComparisonOperator, as KCL 1.x checkpoints ("not yet at SHARD_END").
    [{ s: { Value: { S: 'SHARD_END' }, ComparisonOperator: 'NE' } }, undefined, true],
    [{ s: { Value: { S: 'hello world' }, ComparisonOperator: 'NE' } }, undefined, false],
    [{ n: { Value: { N: '9' }, ComparisonOperator: 'GT' } }, undefined, true],
  ])('Expected %j (%s) is %s', (expected, operator, result) => {
    const { condition: parsed } = parseExpressions({ Expected: expected, ConditionalOperator: operator })
    expect(parsed !== undefined && evaluate(parsed, item)).toBe(result)
  })

  it.each([
    [
      { n: { Exists: true } },
      'One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: n',
    ],
    [
      { n: { Exists: false, Value: { N: '1' } } },
      'One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: n',
    ],
    [
      { n: {} },
      'One or more parameter values were invalid: Value must be provided when Exists is null for Attribute: n',
    ],
    [
      { n: { ComparisonOperator: 'EQ', Exists: true, Value: { N: '1' } } },
      'One or more parameter values were invalid: Exists and ComparisonOperator cannot be used together for Attribute: n',
    ],
    [
      { n: { ComparisonOperator: 'EQ', Value: { N: '1' }, AttributeValueList: [{ N: '1' }] } },
      'One or more parameter values were invalid: Value and AttributeValueList cannot be used together for Attribute: n',
    ],
    [
      { n: { AttributeValueList: [{ N: '1' }] } },
      'One or more parameter values were invalid: AttributeValueList can only be used with a ComparisonOperator for Attribute: n',
    ],
    [
      { n: { ComparisonOperator: 'BETWEEN', Value: { N: '1' } } },
      'One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN ComparisonOperator',
    ],
  ])('refuses Expected %j', (expected, message) => {
    expect(validation({ Expected: expected })).toBe(message)
  })

  it('applies PUT, ADD and DELETE', () => {
    const { update: actions } = parseExpressions({
      AttributeUpdates: {
        n: { Action: 'ADD', Value: { N: '-3' } },
        s: { Action: 'DELETE' },
        tags: { Action: 'DELETE', Value: { SS: ['a'] } },
        list: { Action: 'ADD', Value: { L: [{ S: 'y' }] } },
        fresh: { Value: { S: 'new' } },
      },
    })
    const after = applyUpdate(item, actions ?? [], true)
    expect(after).toMatchObject({ n: { N: '7' }, tags: { SS: ['b'] }, fresh: { S: 'new' } })
    expect(after.list).toEqual({ L: [{ S: 'x' }, { N: '2' }, { S: 'y' }] })
    expect(after.s).toBeUndefined()
    expect(() =>
      applyUpdate(
        item,
        parseExpressions({ AttributeUpdates: { s: { Action: 'ADD', Value: { N: '1' } } } }).update ?? [],
        true,
      ),
    ).toThrow('Type mismatch for attribute to update')
  })
})

describe('the recorded KCL requests, parsed and evaluated', () => {
  const lease: Item = {
    leaseKey: { S: 'shardId-000000000000' },
    leaseCounter: { N: '4' },
    leaseOwner: { S: WORKER },
  }

  it('parses every recorded request’s expressions and legacy members', () => {
    for (const { body } of KCL_REQUESTS) expect(() => parseExpressions(body)).not.toThrow()
  })

  it('evaluates each recorded condition as DynamoDB would', () => {
    const [, migration, , leader, , renewLeader, takeLease, checkpoint] = KCL_REQUESTS.map(
      (request) => request.body,
    )
    const conditionOf = (body: Record<string, unknown> | undefined) => {
      const parsed = parseExpressions(body ?? {}).condition
      if (parsed === undefined) throw new Error('no condition')
      return parsed
    }
    expect(evaluate(conditionOf(migration), undefined)).toBe(true)
    expect(evaluate(conditionOf(leader), { leaseKey: { S: 'Leader' } })).toBe(false)
    const leaderItem = (leader?.Item ?? {}) as Item
    expect(evaluate(conditionOf(renewLeader), leaderItem)).toBe(true)
    expect(evaluate(conditionOf(renewLeader), { ...leaderItem, ownerName: { S: 'other' } })).toBe(false)
    expect(evaluate(conditionOf(takeLease), { leaseKey: lease.leaseKey as Item[string] })).toBe(true)
    expect(evaluate(conditionOf(takeLease), lease)).toBe(false)
    expect(evaluate(conditionOf(checkpoint), lease)).toBe(true)
    expect(evaluate(conditionOf(checkpoint), { ...lease, leaseCounter: { N: '5' } })).toBe(false)
  })
})

describe('projection', () => {
  it('keeps the named top-level and nested attributes', () => {
    const { projection } = parseExpressions({ ProjectionExpression: 'n, map.inner, list[1]' })
    expect(project(item, projection ?? [])).toEqual({
      n: { N: '10' },
      map: { M: { inner: { N: '5' } } },
      list: { L: [{ N: '2' }] },
    })
  })
})

describe('numbers', () => {
  it('adds, subtracts and compares exactly, in canonical form', () => {
    expect(addNumbers('170141183460469231731687303715884105727', '1')).toBe(
      '170141183460469231731687303715884105728',
    )
    expect(subtractNumbers('0.3', '0.1')).toBe('0.2')
    expect(addNumbers('1.50', '-1.5')).toBe('0')
    expect(canonicalNumber('1e3')).toBe('1000')
    expect(canonicalNumber('-0.0100')).toBe('-0.01')
    expect(compareNumbers('10', '9.99')).toBe(1)
    expect(compareNumbers('-2', '1E0')).toBe(-1)
  })

  it('refuses what DynamoDB refuses, in its words', () => {
    expect(numberProblem('abc')).toBe('The parameter cannot be converted to a numeric value: abc')
    expect(numberProblem('')).toBe('The parameter cannot be converted to a numeric value')
    expect(numberProblem('1'.repeat(39))).toBe(
      'Attempting to store more than 38 significant digits in a Number',
    )
    expect(numberProblem('1e126')).toBe(
      'Number overflow. Attempting to store a number with magnitude larger than supported range',
    )
    expect(numberProblem('1e-131')).toBe(
      'Number underflow. Attempting to store a number with magnitude smaller than supported range',
    )
  })
})
