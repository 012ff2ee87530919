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

import { ValidationException, type AwsError } from './errors.ts'
import type { ListShape, MapShape, Shape, StructureShape } from './shape.ts'
import { blobByteLength, boundedText, isRecord, valueText } from './value-text.ts'

export const MAX_REPORTED_VIOLATIONS = 10

/** The ValidationException listing the violated constraints, or undefined when there are none. */
export function checkConstraints(input: unknown, shape: StructureShape): AwsError | undefined {
  const violations: string[] = []
  checkStructureMembers(isRecord(input) ? input : {}, shape, undefined, violations)
  return violations.length === 0 ? undefined : validationException(violations)
}

/**
 * "N validation errors detected: ..." with the first ten violations, each worded as
 * `Value '...' at 'path' failed to satisfy constraint: ...`. Also for checks that need more than the input
 * description (a record larger than its stream's limit).
 */
export function validationException(violations: readonly string[]): AwsError {
  const reported =
    violations.length > MAX_REPORTED_VIOLATIONS ? violations.slice(0, MAX_REPORTED_VIOLATIONS) : violations
  const count = reported.length
  return ValidationException(
    `${count} validation error${count === 1 ? '' : 's'} detected: ${reported.join('; ')}`,
  )
}

/**
 * A violation in AWS's words, for a value at a path such as 'records.3.member.data'. The value is quoted up to
 * MAX_VALUE_TEXT_LENGTH characters (see value-text.ts).
 */
export function violationText(path: string, value: unknown, shape: Shape, description: string): string {
  const shown = value === undefined || value === null ? 'null' : `'${boundedText(valueText(value, shape))}'`
  return `Value ${shown} at '${path}' failed to satisfy constraint: ${description}`
}

/** How AWS words a maximum length. */
export function maxLengthRule(max: number): string {
  return `Member must have length less than or equal to ${max}`
}

/** How a member is named in messages: the API name with a lowercase first letter (StreamARN -> streamARN). */
export function messageMemberName(memberName: string): string {
  return memberName.charAt(0).toLowerCase() + memberName.slice(1)
}

/**
 * Where a value sits, e.g. records.1.member.partitionKey: built as a chain and written out only for a
 * violation, since PutRecords checks every member of up to 500 records and almost never reports one.
 */
interface Path {
  readonly parent: Path | undefined
  /** A member's message name, or a list item's number from 1, or a map key (each followed by '.member'). */
  readonly segment: string | number
  readonly item: boolean
}

function pathText(path: Path | undefined): string {
  if (path === undefined) return ''
  const segment = path.item ? `${String(path.segment)}.member` : String(path.segment)
  return path.parent === undefined ? segment : `${pathText(path.parent)}.${segment}`
}

interface StructureMember {
  readonly name: string
  readonly messageName: string
  readonly shape: Shape
}

const structureMembers = new WeakMap<StructureShape, readonly StructureMember[]>()

function membersOf(shape: StructureShape): readonly StructureMember[] {
  let members = structureMembers.get(shape)
  if (members === undefined) {
    members = Object.entries(shape.members).map(([name, memberShape]) => ({
      name,
      messageName: messageMemberName(name),
      shape: memberShape,
    }))
    structureMembers.set(shape, members)
  }
  return members
}

function checkStructureMembers(
  record: Record<string, unknown>,
  shape: StructureShape,
  path: Path | undefined,
  violations: string[],
): void {
  for (const member of membersOf(shape)) {
    const value = Object.hasOwn(record, member.name) ? record[member.name] : undefined
    if (value === undefined || value === null) {
      if (member.shape.required === true) {
        report(
          violations,
          memberPath(path, member.messageName),
          value,
          member.shape,
          'Member must not be null',
        )
      }
      continue
    }
    // The path of a member is built only when something is reported at or below it.
    checkPresent(value, member.shape, path, member.messageName, false, violations)
  }
}

function memberPath(parent: Path | undefined, messageName: string): Path {
  return { parent, segment: messageName, item: false }
}

/** An item of a list or map is never null, whatever its shape says. */
function checkNested(item: unknown, shape: Shape, path: Path, violations: string[]): void {
  if (item === undefined || item === null) {
    report(violations, path, item, shape, 'Member must not be null')
    return
  }
  checkPresent(item, shape, path.parent, path.segment, path.item, violations)
}

function checkPresent(
  value: unknown,
  shape: Shape,
  parent: Path | undefined,
  segment: string | number,
  item: boolean,
  violations: string[],
): void {
  const own = ownViolations(value, shape)
  const composite =
    (shape.type === 'structure' && isRecord(value)) ||
    (shape.type === 'list' && Array.isArray(value)) ||
    (shape.type === 'map' && isRecord(value))
  if (own.length === 0 && !composite) return
  const path: Path = { parent, segment, item }
  for (const description of own) report(violations, path, value, shape, description)
  if (shape.type === 'structure' && isRecord(value)) checkStructureMembers(value, shape, path, violations)
  if (shape.type === 'list' && Array.isArray(value)) checkListItems(value, shape, path, violations)
  if (shape.type === 'map' && isRecord(value)) checkMapEntries(value, shape, path, violations)
}

function checkListItems(items: unknown[], shape: ListShape, path: Path, violations: string[]): void {
  const itemShape = shape.member
  if (isComposite(itemShape)) {
    for (let index = 0; index < items.length; index++)
      checkNested(items[index], itemShape, { parent: path, segment: index + 1, item: true }, violations)
  } else if (items.some((item) => violatesPlain(item, itemShape))) {
    report(violations, path, items, shape, `Member must satisfy constraint: [${summary(itemShape)}]`)
  }
}

function checkMapEntries(
  entries: Record<string, unknown>,
  shape: MapShape,
  path: Path,
  violations: string[],
): void {
  const { keys: keyShape, values: valueShape } = shape
  if (keyShape !== undefined && Object.keys(entries).some((key) => violatesPlain(key, keyShape))) {
    report(violations, path, entries, shape, `Map keys must satisfy constraint: [${summary(keyShape)}]`)
  }
  if (isComposite(valueShape)) {
    for (const [key, item] of Object.entries(entries))
      checkNested(item, valueShape, { parent: path, segment: key, item: true }, violations)
  } else if (Object.values(entries).some((item) => violatesPlain(item, valueShape))) {
    report(violations, path, entries, shape, `Map value must satisfy constraint: [${summary(valueShape)}]`)
  }
}

function violatesPlain(value: unknown, shape: Shape): boolean {
  return value === undefined || value === null || ownViolations(value, shape).length > 0
}

/** The constraints on the value itself, as opposed to those on the members or items it contains. */
function ownViolations(value: unknown, shape: Shape): readonly string[] {
  // Allocated only for a violation: most values have none.
  let descriptions: string[] | undefined
  if (shape.pattern !== undefined && typeof value === 'string' && !matchesWhole(shape.pattern, value)) {
    descriptions = appended(descriptions, patternRule(shape.pattern))
  }
  const length = lengthOf(value, shape)
  if (length !== undefined && shape.minLength !== undefined && length < shape.minLength) {
    descriptions = appended(descriptions, minLengthRule(shape.minLength))
  }
  if (length !== undefined && shape.maxLength !== undefined && length > shape.maxLength) {
    descriptions = appended(descriptions, maxLengthRule(shape.maxLength))
  }
  const number = numberOf(value, shape)
  if (number !== undefined && shape.min !== undefined && number < shape.min)
    descriptions = appended(descriptions, minRule(shape.min))
  if (number !== undefined && shape.max !== undefined && number > shape.max)
    descriptions = appended(descriptions, maxRule(shape.max))
  if (shape.enum !== undefined && typeof value === 'string' && !shape.enum.includes(value)) {
    descriptions = appended(descriptions, enumRule(shape.enum))
  }
  return descriptions ?? NO_VIOLATIONS
}

const NO_VIOLATIONS: readonly string[] = Object.freeze([])

function appended(list: string[] | undefined, item: string): string[] {
  if (list === undefined) return [item]
  list.push(item)
  return list
}

/** All constraints of a plain item shape, in the order AWS lists them inside "[...]". */
function summary(shape: Shape): string {
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
const minRule = (min: number) => `Member must have value greater than or equal to ${min}`
const maxRule = (max: number) => `Member must have value less than or equal to ${max}`
const enumRule = (values: readonly string[]) => `Member must satisfy enum value set: [${values.join(', ')}]`

function lengthOf(value: unknown, shape: Shape): number | undefined {
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
function numberOf(value: unknown, shape: Shape): number | undefined {
  if (shape.type === 'double') return typeof value === 'number' ? value : undefined
  if (shape.type !== 'integer' && shape.type !== 'long') return undefined
  if (typeof value === 'number') return Math.trunc(value)
  if (typeof value === 'bigint') return Number(value)
  return undefined
}

function isComposite(shape: Shape): boolean {
  return shape.type === 'structure' || shape.type === 'list' || shape.type === 'map'
}

function report(violations: string[], path: Path, value: unknown, shape: Shape, description: string): void {
  if (violations.length >= MAX_REPORTED_VIOLATIONS) return
  violations.push(violationText(pathText(path), value, shape, description))
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
