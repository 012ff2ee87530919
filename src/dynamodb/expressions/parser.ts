import { TYPE_NAMES, typeOf, longTypeName, type TypeName } from '../values/attribute-value.ts'
import type { Comparator, Condition, Operand, Path, SetValue, UpdateAction } from './ast.ts'
import { tokenize, type Token } from './lexer.ts'
import { ExpressionError, type Placeholders } from './placeholders.ts'

/** The member an expression came in, as DynamoDB names it in its messages. */
export type ExpressionKind =
  | 'ConditionExpression'
  | 'FilterExpression'
  | 'KeyConditionExpression'
  | 'UpdateExpression'
  | 'ProjectionExpression'

export function parseCondition(source: string, kind: ExpressionKind, placeholders: Placeholders): Condition {
  const parser = new Parser(source, kind, placeholders)
  const condition = parser.condition()
  parser.expectEnd()
  return condition
}

export function parseUpdate(source: string, placeholders: Placeholders): UpdateAction[] {
  const parser = new Parser(source, 'UpdateExpression', placeholders)
  const actions = parser.update()
  parser.expectEnd()
  return actions
}

export function parseProjection(source: string, placeholders: Placeholders): Path[] {
  const parser = new Parser(source, 'ProjectionExpression', placeholders)
  const paths = [parser.path()]
  while (parser.accept(',')) paths.push(parser.path())
  parser.expectEnd()
  return paths
}

const COMPARATORS = new Set(['=', '<>', '<', '<=', '>', '>='])
const SECTIONS = ['SET', 'REMOVE', 'ADD', 'DELETE'] as const

class Parser {
  private readonly tokens: Token[]
  private position = 0

  constructor(
    private readonly source: string,
    private readonly kind: ExpressionKind,
    private readonly placeholders: Placeholders,
  ) {
    if (source.trim() === '') throw new ExpressionError(`Invalid ${kind}: The expression can not be empty;`)
    this.tokens = tokenize(source, kind)
  }

  // Conditions: OR binds loosest, then AND, then NOT.

  condition(): Condition {
    let left = this.conjunction()
    while (this.acceptWord('OR')) left = { kind: 'or', left, right: this.conjunction() }
    return left
  }

  private conjunction(): Condition {
    let left = this.negation()
    while (this.acceptWord('AND')) left = { kind: 'and', left, right: this.negation() }
    return left
  }

  private negation(): Condition {
    if (this.acceptWord('NOT')) return { kind: 'not', condition: this.negation() }
    return this.primary()
  }

  private primary(): Condition {
    if (this.accept('(')) {
      const inner = this.condition()
      this.expect(')')
      return inner
    }
    const token = this.peek()
    if (token.kind === 'word' && this.peek(1).text === '(' && token.text !== 'size') {
      return this.booleanFunction(token.text)
    }
    const operand = this.operand()
    const next = this.peek()
    if (next.kind === 'symbol' && COMPARATORS.has(next.text)) {
      this.position++
      return { kind: 'compare', op: next.text as Comparator, left: operand, right: this.operand() }
    }
    if (this.acceptWord('BETWEEN')) {
      const low = this.operand()
      this.expectWord('AND')
      return { kind: 'between', operand, low, high: this.operand() }
    }
    if (this.acceptWord('IN')) {
      this.expect('(')
      const list = [this.operand()]
      while (this.accept(',')) list.push(this.operand())
      this.expect(')')
      return { kind: 'in', operand, list }
    }
    throw this.syntaxError()
  }

  private booleanFunction(name: string): Condition {
    this.position += 2
    const path = (): Path => this.pathArgument(name)
    let condition: Condition
    switch (name) {
      case 'attribute_exists':
        condition = { kind: 'exists', path: path() }
        break
      case 'attribute_not_exists':
        condition = { kind: 'not-exists', path: path() }
        break
      case 'attribute_type': {
        const target = path()
        this.expect(',')
        condition = { kind: 'type', path: target, type: this.typeArgument() }
        break
      }
      case 'begins_with':
      case 'contains': {
        const target = path()
        this.expect(',')
        condition = {
          kind: name === 'contains' ? 'contains' : 'begins-with',
          path: target,
          operand: this.operand(),
        }
        break
      }
      default:
        throw new ExpressionError(`Invalid ${this.kind}: Invalid function name; function: ${name}`)
    }
    this.expect(')')
    return condition
  }

  private typeArgument(): TypeName {
    const operand = this.operand()
    if (operand.kind !== 'value' || !('S' in operand.value)) {
      throw new ExpressionError(
        `Invalid ${this.kind}: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: ${operand.kind === 'value' ? typeOf(operand.value) : 'path'}`,
      )
    }
    const type = operand.value.S
    if (!(TYPE_NAMES as readonly string[]).includes(type)) {
      throw new ExpressionError(
        `Invalid ${this.kind}: Invalid attribute type name found; type: ${type}, valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }`,
      )
    }
    return type as TypeName
  }

  private pathArgument(fn: string): Path {
    const token = this.peek()
    if (token.kind !== 'word' && token.kind !== 'name') {
      if (token.kind === 'value') {
        throw new ExpressionError(
          `Invalid ${this.kind}: Operator or function requires a document path; operator or function: ${fn}`,
        )
      }
      throw this.syntaxError()
    }
    return this.path()
  }

  /** A path, a value placeholder, or size(path). */
  operand(): Operand {
    const token = this.peek()
    if (token.kind === 'value') {
      this.position++
      return { kind: 'value', value: this.placeholders.value(token.text, this.kind) }
    }
    if (token.kind === 'word' && this.peek(1).text === '(') {
      if (token.text !== 'size') {
        throw new ExpressionError(`Invalid ${this.kind}: Invalid function name; function: ${token.text}`)
      }
      this.position += 2
      const path = this.pathArgument('size')
      this.expect(')')
      return { kind: 'size', path }
    }
    return { kind: 'path', path: this.path() }
  }

  path(): Path {
    const parts: (string | number)[] = [this.pathName()]
    for (;;) {
      if (this.accept('.')) parts.push(this.pathName())
      else if (this.accept('[')) {
        const index = this.next()
        if (index.kind !== 'index') throw this.syntaxError(index)
        parts.push(Number(index.text))
        this.expect(']')
      } else return parts
    }
  }

  private pathName(): string {
    const token = this.next()
    if (token.kind === 'name') return this.placeholders.name(token.text, this.kind)
    if (token.kind === 'word' && !/^\d/.test(token.text)) return token.text
    throw this.syntaxError(token)
  }

  // Update expressions: each of SET, REMOVE, ADD and DELETE at most once, in any order.

  update(): UpdateAction[] {
    const actions: UpdateAction[] = []
    const seen = new Set<string>()
    do {
      const token = this.next()
      const section = SECTIONS.find((name) => name === token.text.toUpperCase())
      if (token.kind !== 'word' || section === undefined) throw this.syntaxError(token)
      if (seen.has(section)) {
        throw new ExpressionError(
          `Invalid UpdateExpression: The "${section}" section can only be used once in an update expression;`,
        )
      }
      seen.add(section)
      do actions.push(this.updateAction(section))
      while (this.accept(','))
    } while (this.peek().kind !== 'end')
    return actions
  }

  private updateAction(section: (typeof SECTIONS)[number]): UpdateAction {
    const path = this.path()
    switch (section) {
      case 'SET':
        this.expect('=')
        return { kind: 'set', path, value: this.setValue() }
      case 'REMOVE':
        return { kind: 'remove', path }
      case 'ADD':
      case 'DELETE': {
        const token = this.next()
        if (token.kind !== 'value') throw this.syntaxError(token)
        const value = this.placeholders.value(token.text, this.kind)
        const type = typeOf(value)
        const allowed = section === 'ADD' ? ['N', 'SS', 'NS', 'BS'] : ['SS', 'NS', 'BS']
        if (!allowed.includes(type)) {
          throw new ExpressionError(
            `Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ${section}, operand type: ${longTypeName(type)}`,
          )
        }
        return { kind: section === 'ADD' ? 'add' : 'delete', path, value }
      }
    }
  }

  private setValue(): SetValue {
    const left = this.setOperand()
    const token = this.peek()
    if (token.text === '+' || token.text === '-') {
      this.position++
      const right = this.setOperand()
      for (const side of [left, right]) checkArithmeticOperand(side, token.text)
      return { kind: 'arithmetic', op: token.text, left, right }
    }
    return left
  }

  private setOperand(): SetValue {
    const token = this.peek()
    if (token.kind === 'word' && this.peek(1).text === '(') {
      this.position += 2
      const name = token.text
      const operands: SetValue[] = [this.setOperand()]
      while (this.accept(',')) operands.push(this.setOperand())
      this.expect(')')
      if (name !== 'if_not_exists' && name !== 'list_append') {
        throw new ExpressionError(`Invalid UpdateExpression: Invalid function name; function: ${name}`)
      }
      if (operands.length !== 2) {
        throw new ExpressionError(
          `Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${operands.length}`,
        )
      }
      const [first, second] = operands as [SetValue, SetValue]
      if (name === 'list_append') {
        for (const side of [first, second]) {
          if (side.kind === 'value' && !('L' in side.value)) {
            throw new ExpressionError(
              `Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: ${typeOf(side.value)}`,
            )
          }
        }
        return { kind: 'list-append', first, second }
      }
      if (first.kind !== 'path') {
        throw new ExpressionError(
          'Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists',
        )
      }
      return { kind: 'if-not-exists', path: first.path, fallback: second }
    }
    const operand = this.operand()
    if (operand.kind === 'size') {
      throw new ExpressionError('Invalid UpdateExpression: Invalid function name; function: size')
    }
    return operand
  }

  // Tokens.

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.position + ahead, this.tokens.length - 1)] as Token
  }

  private next(): Token {
    const token = this.peek()
    if (this.position < this.tokens.length - 1) this.position++
    return token
  }

  accept(symbol: string): boolean {
    const token = this.peek()
    if (token.kind !== 'symbol' || token.text !== symbol) return false
    this.position++
    return true
  }

  private acceptWord(word: string): boolean {
    const token = this.peek()
    if (token.kind !== 'word' || token.text.toUpperCase() !== word) return false
    this.position++
    return true
  }

  private expect(symbol: string): void {
    if (!this.accept(symbol)) throw this.syntaxError()
  }

  private expectWord(word: string): void {
    if (!this.acceptWord(word)) throw this.syntaxError()
  }

  expectEnd(): void {
    if (this.peek().kind !== 'end') throw this.syntaxError()
  }

  /** DynamoDB's wording: the offending token and the text around it. */
  private syntaxError(token: Token = this.peek()): ExpressionError {
    const index = this.tokens.indexOf(token)
    const near = this.tokens
      .slice(Math.max(0, index - 1), index + 1)
      .filter((t) => t.kind !== 'end')
      .map((t) => t.text)
      .join(' ')
    return new ExpressionError(`Invalid ${this.kind}: Syntax error; token: "${token.text}", near: "${near}"`)
  }
}

function checkArithmeticOperand(side: SetValue, op: string): void {
  if (side.kind === 'value' && !('N' in side.value)) {
    throw new ExpressionError(
      `Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: ${op}, operand type: ${typeOf(side.value)}`,
    )
  }
  if (side.kind === 'arithmetic') {
    throw new ExpressionError(`Invalid UpdateExpression: Syntax error; token: "${op}", near: "${op}"`)
  }
}
