// The constraint step: every violation of a declared constraint, in AWS's wording, e.g.
//
//   2 validation errors detected: Value '0' at 'shardCount' failed to satisfy constraint: Member must have
//   value greater than or equal to 1; Value '' at 'streamName' failed to satisfy constraint: Member must
//   satisfy regular expression pattern: [a-zA-Z0-9_.-]+
//
// Members are checked in declaration order and, within a member, in the order AWS reports: not null,
// pattern, minimum length, maximum length, minimum value, maximum value, enum. Structures in lists and maps
// are checked member by member at paths like 'records.1.member.partitionKey' (items numbered from 1). Lists
// and maps of plain values get one summary violation at the collection's own path ("Member must satisfy
// constraint: [...]", "Map keys must satisfy constraint: [...]"). Like AWS (as kinesalite records it), at
// most ten violations are reported.

import type { MemberConstraints, ValidationFailure } from './member-constraints.ts'
import { blobByteLength, isRecord, valueText } from './value-text.ts'

export const MAX_REPORTED_VIOLATIONS = 10

/** The ValidationException listing the violated constraints, or undefined when there are none. */
export function checkConstraints(input: unknown, shape: MemberConstraints): ValidationFailure | undefined {
  const violations: string[] = []
  checkStructureMembers(isRecord(input) ? input : {}, shape, '', violations)
  if (violations.length === 0) return undefined
  const count = violations.length
  return {
    type: 'ValidationException',
    message: `${count} validation error${count === 1 ? '' : 's'} detected: ${violations.join('; ')}`,
  }
}

/** How a member is named in messages: the API name with a lowercase first letter (StreamARN -> streamARN). */
export function messageMemberName(memberName: string): string {
  return memberName.charAt(0).toLowerCase() + memberName.slice(1)
}

function checkStructureMembers(
  record: Record<string, unknown>,
  shape: MemberConstraints,
  path: string,
  violations: string[],
): void {
  for (const [name, memberShape] of Object.entries(shape.members ?? {})) {
    const memberPath = path === '' ? messageMemberName(name) : `${path}.${messageMemberName(name)}`
    checkMember(Object.hasOwn(record, name) ? record[name] : undefined, memberShape, memberPath, violations)
  }
}

function checkMember(value: unknown, shape: MemberConstraints, path: string, violations: string[]): void {
  if (value === undefined || value === null) {
    if (shape.required === true) report(violations, path, value, shape, 'Member must not be null')
    return
  }
  for (const description of ownViolations(value, shape)) report(violations, path, value, shape, description)
  if (shape.type === 'structure' && isRecord(value)) checkStructureMembers(value, shape, path, violations)
  if (shape.type === 'list' && Array.isArray(value)) checkListItems(value, shape, path, violations)
  if (shape.type === 'map' && isRecord(value)) checkMapEntries(value, shape, path, violations)
}

function checkListItems(
  items: unknown[],
  shape: MemberConstraints,
  path: string,
  violations: string[],
): void {
  const itemShape = shape.member
  if (itemShape === undefined) return
  if (isComposite(itemShape)) {
    for (const [index, item] of items.entries())
      checkNested(item, itemShape, `${path}.${index + 1}.member`, violations)
  } else if (items.some((item) => violatesPlain(item, itemShape))) {
    report(violations, path, items, shape, `Member must satisfy constraint: [${summary(itemShape)}]`)
  }
}

function checkMapEntries(
  entries: Record<string, unknown>,
  shape: MemberConstraints,
  path: string,
  violations: string[],
): void {
  const { keys: keyShape, values: valueShape } = shape
  if (keyShape !== undefined && Object.keys(entries).some((key) => violatesPlain(key, keyShape))) {
    report(violations, path, entries, shape, `Map keys must satisfy constraint: [${summary(keyShape)}]`)
  }
  if (valueShape === undefined) return
  if (isComposite(valueShape)) {
    for (const [key, item] of Object.entries(entries))
      checkNested(item, valueShape, `${path}.${key}.member`, violations)
  } else if (Object.values(entries).some((item) => violatesPlain(item, valueShape))) {
    report(violations, path, entries, shape, `Map value must satisfy constraint: [${summary(valueShape)}]`)
  }
}

/** An item of a list or map is never null, whatever its shape says. */
function checkNested(item: unknown, shape: MemberConstraints, path: string, violations: string[]): void {
  checkMember(item, { ...shape, required: true }, path, violations)
}

function violatesPlain(value: unknown, shape: MemberConstraints): boolean {
  return value === undefined || value === null || ownViolations(value, shape).length > 0
}

/** The constraints on the value itself, as opposed to those on the members or items it contains. */
function ownViolations(value: unknown, shape: MemberConstraints): string[] {
  const descriptions: string[] = []
  if (shape.pattern !== undefined && typeof value === 'string' && !matchesWhole(shape.pattern, value)) {
    descriptions.push(patternRule(shape.pattern))
  }
  const length = lengthOf(value, shape)
  if (length !== undefined && shape.minLength !== undefined && length < shape.minLength) {
    descriptions.push(minLengthRule(shape.minLength))
  }
  if (length !== undefined && shape.maxLength !== undefined && length > shape.maxLength) {
    descriptions.push(maxLengthRule(shape.maxLength))
  }
  const number = numberOf(value, shape)
  if (number !== undefined && shape.min !== undefined && number < shape.min)
    descriptions.push(minRule(shape.min))
  if (number !== undefined && shape.max !== undefined && number > shape.max)
    descriptions.push(maxRule(shape.max))
  if (shape.enum !== undefined && typeof value === 'string' && !shape.enum.includes(value)) {
    descriptions.push(enumRule(shape.enum))
  }
  return descriptions
}

/** All constraints of a plain item shape, in the order AWS lists them inside "[...]". */
function summary(shape: MemberConstraints): string {
  const rules: string[] = []
  if (shape.maxLength !== undefined) rules.push(maxLengthRule(shape.maxLength))
  if (shape.minLength !== undefined) rules.push(minLengthRule(shape.minLength))
  if (shape.pattern !== undefined) rules.push(patternRule(shape.pattern))
  if (shape.max !== undefined) rules.push(maxRule(shape.max))
  if (shape.min !== undefined) rules.push(minRule(shape.min))
  if (shape.enum !== undefined) rules.push(enumRule(shape.enum))
  if (shape.required === true || rules.length === 0) rules.push('Member must not be null')
  return rules.join(', ')
}

const patternRule = (pattern: string) => `Member must satisfy regular expression pattern: ${pattern}`
const minLengthRule = (min: number) => `Member must have length greater than or equal to ${min}`
const maxLengthRule = (max: number) => `Member must have length less than or equal to ${max}`
const minRule = (min: number) => `Member must have value greater than or equal to ${min}`
const maxRule = (max: number) => `Member must have value less than or equal to ${max}`
const enumRule = (values: readonly string[]) => `Member must satisfy enum value set: [${values.join(', ')}]`

function lengthOf(value: unknown, shape: MemberConstraints): number | undefined {
  switch (shape.type) {
    case 'string':
      return typeof value === 'string' ? value.length : undefined
    case 'blob':
      return blobByteLength(value)
    case 'list':
      return Array.isArray(value) ? value.length : undefined
    case 'map':
      return isRecord(value) ? Object.keys(value).length : undefined
    default:
      return undefined
  }
}

/** AWS truncates fractional numbers given for integers before it compares them. */
function numberOf(value: unknown, shape: MemberConstraints): number | undefined {
  if (shape.type !== 'integer' && shape.type !== 'long') return undefined
  if (typeof value === 'number') return Math.trunc(value)
  if (typeof value === 'bigint') return Number(value)
  return undefined
}

function isComposite(shape: MemberConstraints): boolean {
  return shape.type === 'structure' || shape.type === 'list' || shape.type === 'map'
}

function report(
  violations: string[],
  path: string,
  value: unknown,
  shape: MemberConstraints,
  description: string,
): void {
  if (violations.length >= MAX_REPORTED_VIOLATIONS) return
  const shown = value === undefined || value === null ? 'null' : `'${valueText(value, shape)}'`
  violations.push(`Value ${shown} at '${path}' failed to satisfy constraint: ${description}`)
}

const compiledPatterns = new Map<string, RegExp>()

/** Java's String.matches: the pattern must match the whole value. */
function matchesWhole(pattern: string, value: string): boolean {
  let regExp = compiledPatterns.get(pattern)
  if (regExp === undefined) {
    regExp = compileWhole(pattern)
    compiledPatterns.set(pattern, regExp)
  }
  return regExp.test(value)
}

/** Unicode mode understands \p{L} and friends; patterns with escapes it forbids (such as \_) compile without it. */
function compileWhole(pattern: string): RegExp {
  const source = `^(?:${pattern})$`
  try {
    return new RegExp(source, 'u')
  } catch {
    return new RegExp(source)
  }
}
