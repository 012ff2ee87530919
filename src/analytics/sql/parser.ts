import type {
  BinaryOp,
  ColumnDefinition,
  Expr,
  FromItem,
  Position,
  Query,
  SelectItem,
  SqlType,
  Statement,
  TimeUnit,
  WindowSpec,
} from './ast.ts'
import { SqlCodeError, tokenize, type Token } from './lexer.ts'

/** Words that end an expression or a FROM item, so they are never taken as an implicit alias. */
const RESERVED = new Set([
  'AND',
  'AS',
  'BETWEEN',
  'BY',
  'CASE',
  'CREATE',
  'CROSS',
  'ELSE',
  'END',
  'ESCAPE',
  'FROM',
  'FULL',
  'GROUP',
  'HAVING',
  'IN',
  'INNER',
  'INSERT',
  'IS',
  'JOIN',
  'LEFT',
  'LIKE',
  'NOT',
  'ON',
  'OR',
  'ORDER',
  'OUTER',
  'OVER',
  'RIGHT',
  'SELECT',
  'SIMILAR',
  'THEN',
  'UNION',
  'WHEN',
  'WHERE',
  'WINDOW',
  'WINDOWED',
])

/** Window functions that take RESPECT NULLS | IGNORE NULLS after their arguments. */
const NULL_TREATMENT = new Set(['LAG', 'FIRST_VALUE', 'LAST_VALUE', 'NTH_VALUE'])

const TIME_UNITS = new Set(['YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND'])
const UNIT_MS: Record<string, number> = { DAY: 86_400_000, HOUR: 3_600_000, MINUTE: 60_000, SECOND: 1000 }

const TYPE_NAMES = new Map([
  ['VARCHAR', 'VARCHAR'],
  ['CHAR', 'CHAR'],
  ['CHARACTER', 'CHAR'],
  ['INTEGER', 'INTEGER'],
  ['INT', 'INTEGER'],
  ['BIGINT', 'BIGINT'],
  ['SMALLINT', 'SMALLINT'],
  ['TINYINT', 'TINYINT'],
  ['REAL', 'REAL'],
  ['FLOAT', 'DOUBLE'],
  ['DOUBLE', 'DOUBLE'],
  ['DECIMAL', 'DECIMAL'],
  ['DEC', 'DECIMAL'],
  ['NUMERIC', 'DECIMAL'],
  ['BOOLEAN', 'BOOLEAN'],
  ['TIMESTAMP', 'TIMESTAMP'],
  ['DATE', 'DATE'],
  ['TIME', 'TIME'],
  ['VARBINARY', 'VARBINARY'],
  ['BINARY', 'VARBINARY'],
])

/** Parses application code into statements; throws SqlCodeError with the offending token's position. */
export function parseApplicationCode(code: string): Statement[] {
  return new Parser(tokenize(code)).statements()
}

/** Parses one expression (for tests and tools). */
export function parseExpression(code: string): Expr {
  const parser = new Parser(tokenize(code))
  const expr = parser.expression()
  parser.expectEnd()
  return expr
}

function describe(token: Token): string {
  return token.kind === 'eof' ? '<EOF>' : token.text
}

class Parser {
  private at = 0

  constructor(private readonly tokens: Token[]) {}

  // ---- token helpers

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.at + offset, this.tokens.length - 1)] as Token
  }

  private next(): Token {
    const token = this.peek()
    if (token.kind !== 'eof') this.at++
    return token
  }

  private pos(token = this.peek()): Position {
    return { line: token.line, column: token.column }
  }

  private isWord(word: string, offset = 0): boolean {
    const token = this.peek(offset)
    return token.kind === 'word' && token.value === word
  }

  private isSymbol(symbol: string, offset = 0): boolean {
    const token = this.peek(offset)
    return token.kind === 'symbol' && token.value === symbol
  }

  private acceptWord(...words: string[]): boolean {
    if (!words.every((word, i) => this.isWord(word, i))) return false
    this.at += words.length
    return true
  }

  private acceptSymbol(symbol: string): boolean {
    if (!this.isSymbol(symbol)) return false
    this.at++
    return true
  }

  private fail(expected: string, token = this.peek()): never {
    throw new SqlCodeError(
      `Encountered "${describe(token)}" at line ${token.line}, column ${token.column}. Was expecting ${expected}`,
      token.line,
      token.column,
    )
  }

  private expectWord(word: string): Token {
    if (!this.isWord(word)) this.fail(`"${word}"`)
    return this.next()
  }

  private expectSymbol(symbol: string): Token {
    if (!this.isSymbol(symbol)) this.fail(`"${symbol}"`)
    return this.next()
  }

  expectEnd(): void {
    if (this.peek().kind !== 'eof') this.fail('<EOF>')
  }

  /** An identifier: a quoted one exactly, an unquoted one upper-cased. */
  private identifier(what = 'an identifier'): string {
    const token = this.peek()
    if (token.kind === 'quoted' || (token.kind === 'word' && !RESERVED.has(token.value))) {
      this.next()
      return token.value
    }
    return this.fail(what)
  }

  private isIdentifier(offset = 0): boolean {
    const token = this.peek(offset)
    return token.kind === 'quoted' || (token.kind === 'word' && !RESERVED.has(token.value))
  }

  // ---- statements

  statements(): Statement[] {
    const statements: Statement[] = []
    for (;;) {
      while (this.acceptSymbol(';'));
      if (this.peek().kind === 'eof') return statements
      statements.push(this.statement())
      if (this.peek().kind !== 'eof') this.expectSymbol(';')
    }
  }

  private statement(): Statement {
    const start = this.pos()
    if (this.isWord('SELECT')) return { k: 'select', query: this.query(), pos: start }
    if (!this.isWord('CREATE')) this.fail('"CREATE" or "SELECT"')
    this.next()
    const orReplace = this.acceptWord('OR', 'REPLACE')
    if (this.acceptWord('STREAM')) {
      const name = this.identifier('a stream name')
      this.expectSymbol('(')
      const columns: ColumnDefinition[] = []
      do {
        const pos = this.pos()
        const column = this.identifier('a column name')
        columns.push({ name: column, type: this.type(), pos })
      } while (this.acceptSymbol(','))
      this.expectSymbol(')')
      this.skipOptions()
      return { k: 'createStream', orReplace, name, columns, pos: start }
    }
    if (this.acceptWord('PUMP')) {
      const name = this.identifier('a pump name')
      this.expectWord('AS')
      this.expectWord('INSERT')
      this.expectWord('INTO')
      const target = this.identifier('a stream name')
      let columns: string[] | undefined
      if (this.acceptSymbol('(')) {
        columns = []
        do columns.push(this.identifier('a column name'))
        while (this.acceptSymbol(','))
        this.expectSymbol(')')
      }
      if (!this.isWord('SELECT')) this.fail('"SELECT"')
      const query = this.query()
      return columns === undefined
        ? { k: 'createPump', orReplace, name, target, query, pos: start }
        : { k: 'createPump', orReplace, name, target, columns, query, pos: start }
    }
    return this.fail('"STREAM" or "PUMP"')
  }

  /** OPTIONS (...) after a stream's columns is accepted and ignored. */
  private skipOptions(): void {
    if (!this.acceptWord('OPTIONS')) return
    this.expectSymbol('(')
    let depth = 1
    while (depth > 0) {
      const token = this.next()
      if (token.kind === 'eof') this.fail('")"', token)
      if (token.kind === 'symbol' && token.value === '(') depth++
      if (token.kind === 'symbol' && token.value === ')') depth--
    }
  }

  type(): SqlType {
    const token = this.peek()
    const name = token.kind === 'word' ? TYPE_NAMES.get(token.value) : undefined
    if (name === undefined) return this.fail('a data type')
    this.next()
    if (token.value === 'DOUBLE') this.acceptWord('PRECISION')
    if ((name === 'CHAR' || name === 'VARCHAR') && this.acceptWord('VARYING')) {
      return this.typeLength('VARCHAR')
    }
    if (name === 'TIMESTAMP' || name === 'TIME') {
      if (this.acceptSymbol('(')) {
        this.unsignedInteger()
        this.expectSymbol(')')
      }
      return { name }
    }
    return this.typeLength(name)
  }

  private typeLength(name: string): SqlType {
    if (!this.acceptSymbol('(')) return { name }
    const length = this.unsignedInteger()
    let type: SqlType = { name, length }
    if (this.acceptSymbol(',')) type = { name, length, scale: this.unsignedInteger() }
    this.expectSymbol(')')
    return type
  }

  private unsignedInteger(): number {
    const token = this.peek()
    if (token.kind !== 'number' || !/^[0-9]+$/.test(token.value)) return this.fail('an unsigned integer')
    this.next()
    return Number(token.value)
  }

  // ---- queries

  query(): Query {
    const first = this.select()
    const unionAll: Query[] = []
    while (this.acceptWord('UNION')) {
      this.expectWord('ALL')
      if (!this.isWord('SELECT')) this.fail('"SELECT"')
      unionAll.push(this.select())
    }
    return unionAll.length === 0 ? first : { ...first, unionAll }
  }

  private select(): Query {
    const start = this.pos()
    this.expectWord('SELECT')
    const stream = this.acceptWord('STREAM')
    const distinct = this.acceptWord('DISTINCT')
    if (!distinct) this.acceptWord('ALL')
    const items: SelectItem[] = []
    do items.push(this.selectItem())
    while (this.acceptSymbol(','))
    this.expectWord('FROM')
    const from = this.fromClause()
    const where = this.acceptWord('WHERE') ? this.expression() : undefined
    let groupBy: Expr[] | undefined
    let stagger: Query['stagger']
    if (this.acceptWord('GROUP')) {
      this.expectWord('BY')
      groupBy = []
      do groupBy.push(this.expression())
      while (this.acceptSymbol(','))
    } else if (this.isWord('WINDOWED')) {
      const pos = this.pos()
      this.next()
      this.expectWord('BY')
      this.expectWord('STAGGER')
      this.expectSymbol('(')
      this.expectWord('PARTITION')
      this.expectWord('BY')
      const partitionBy: Expr[] = []
      do partitionBy.push(this.expression())
      while (this.acceptSymbol(','))
      this.expectWord('RANGE')
      const rangeMs = this.intervalMs()
      this.expectSymbol(')')
      stagger = { partitionBy, rangeMs, pos }
    }
    const having = this.acceptWord('HAVING') ? this.expression() : undefined
    const windows: { name: string; spec: WindowSpec }[] = []
    if (this.acceptWord('WINDOW')) {
      do {
        const name = this.identifier('a window name')
        this.expectWord('AS')
        windows.push({ name, spec: this.windowSpec() })
      } while (this.acceptSymbol(','))
    }
    let orderBy: { expr: Expr; descending: boolean }[] | undefined
    if (this.acceptWord('ORDER')) {
      this.expectWord('BY')
      orderBy = []
      do {
        const expr = this.expression()
        const descending = this.acceptWord('DESC')
        if (!descending) this.acceptWord('ASC')
        orderBy.push({ expr, descending })
      } while (this.acceptSymbol(','))
    }
    return {
      stream,
      distinct,
      items,
      from,
      windows,
      pos: start,
      ...(where === undefined ? {} : { where }),
      ...(groupBy === undefined ? {} : { groupBy }),
      ...(stagger === undefined ? {} : { stagger }),
      ...(having === undefined ? {} : { having }),
      ...(orderBy === undefined ? {} : { orderBy }),
    }
  }

  private selectItem(): SelectItem {
    if (this.isSymbol('*')) {
      const pos = this.pos()
      this.next()
      return { expr: { k: 'star', pos } }
    }
    if (this.isIdentifier() && this.isSymbol('.', 1) && this.isSymbol('*', 2)) {
      const pos = this.pos()
      const qualifier = this.identifier()
      this.at += 2
      return { expr: { k: 'star', qualifier, pos } }
    }
    const expr = this.expression()
    const alias = this.optionalAlias()
    return alias === undefined ? { expr } : { expr, alias }
  }

  private optionalAlias(): string | undefined {
    if (this.acceptWord('AS')) return this.identifier('an alias')
    if (this.isIdentifier()) return this.identifier()
    return undefined
  }

  private fromClause(): FromItem {
    let left = this.fromItem()
    for (;;) {
      const pos = this.pos()
      let kind: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS' | undefined
      if (this.acceptWord('JOIN') || this.acceptWord('INNER', 'JOIN')) kind = 'INNER'
      else if (this.acceptWord('CROSS', 'JOIN')) kind = 'CROSS'
      else if (this.isWord('LEFT') || this.isWord('RIGHT') || this.isWord('FULL')) {
        kind = this.next().value as 'LEFT' | 'RIGHT' | 'FULL'
        this.acceptWord('OUTER')
        this.expectWord('JOIN')
      } else if (this.acceptSymbol(',')) kind = 'CROSS'
      if (kind === undefined) return left
      const right = this.fromItem()
      let on: Expr | undefined
      if (kind !== 'CROSS') {
        this.expectWord('ON')
        on = this.expression()
      }
      left =
        on === undefined ? { k: 'join', kind, left, right, pos } : { k: 'join', kind, left, right, on, pos }
    }
  }

  private fromItem(): FromItem {
    const pos = this.pos()
    if (this.acceptSymbol('(')) {
      if (!this.isWord('SELECT')) this.fail('"SELECT"')
      const query = this.query()
      this.expectSymbol(')')
      const alias = this.optionalAlias()
      if (alias === undefined) return { k: 'subquery', query, pos }
      // AS l(r): names for the subquery's columns
      if (!this.acceptSymbol('(')) return { k: 'subquery', query, alias, pos }
      const columns = [this.identifier('a column name')]
      while (this.acceptSymbol(',')) columns.push(this.identifier('a column name'))
      this.expectSymbol(')')
      return { k: 'subquery', query, alias, columns, pos }
    }
    if (this.isWord('TABLE') && this.isSymbol('(', 1)) {
      this.at += 2
      const callPos = this.pos()
      const name = this.identifier('a function name')
      const call = this.callRest(name, callPos)
      if (call.k !== 'call') this.fail('a table function')
      this.expectSymbol(')')
      const alias = this.optionalAlias()
      return alias === undefined ? { k: 'function', call, pos } : { k: 'function', call, alias, pos }
    }
    const name = this.identifier('a stream name')
    let over: WindowSpec | undefined
    if (this.acceptWord('OVER')) over = this.windowSpec()
    const alias = this.optionalAlias()
    return {
      k: 'stream',
      name,
      pos,
      ...(alias === undefined ? {} : { alias }),
      ...(over === undefined ? {} : { over }),
    }
  }

  private windowSpec(): WindowSpec {
    const pos = this.pos()
    this.expectSymbol('(')
    let base: string | undefined
    if (this.isIdentifier() && !this.isWord('PARTITION') && !this.isWord('RANGE') && !this.isWord('ROWS')) {
      base = this.identifier()
    }
    const partitionBy: Expr[] = []
    if (this.acceptWord('PARTITION')) {
      this.expectWord('BY')
      do partitionBy.push(this.expression())
      while (this.acceptSymbol(','))
    }
    let orderBy: Expr[] | undefined
    if (this.acceptWord('ORDER')) {
      this.expectWord('BY')
      orderBy = []
      do orderBy.push(this.expression())
      while (this.acceptSymbol(','))
    }
    let rangeMs: number | undefined
    let rows: number | undefined
    if (this.acceptWord('RANGE')) {
      if (this.acceptWord('UNBOUNDED')) rangeMs = Number.POSITIVE_INFINITY
      else if (this.acceptWord('CURRENT', 'ROW')) rangeMs = 0
      else rangeMs = this.intervalMs()
      if (rangeMs !== 0) this.expectWord('PRECEDING')
    } else if (this.acceptWord('ROWS')) {
      if (this.acceptWord('UNBOUNDED')) rows = Number.POSITIVE_INFINITY
      else if (this.acceptWord('CURRENT', 'ROW')) rows = 0
      else rows = this.unsignedInteger()
      if (rows !== 0) this.expectWord('PRECEDING')
    }
    this.expectSymbol(')')
    return {
      partitionBy,
      pos,
      ...(base === undefined ? {} : { base }),
      ...(orderBy === undefined ? {} : { orderBy }),
      ...(rangeMs === undefined ? {} : { rangeMs }),
      ...(rows === undefined ? {} : { rows }),
    }
  }

  /** INTERVAL 'n' unit as milliseconds (units of a month or more are refused: windows need a fixed length). */
  private intervalMs(): number {
    const token = this.peek()
    const interval = this.primary()
    if (interval.k !== 'interval' || interval.months !== 0) return this.fail('a day-time INTERVAL', token)
    return interval.ms
  }

  // ---- expressions

  expression(): Expr {
    return this.or()
  }

  private or(): Expr {
    let left = this.and()
    while (this.isWord('OR')) {
      const pos = this.pos()
      this.next()
      left = { k: 'binary', op: 'OR', left, right: this.and(), pos }
    }
    return left
  }

  private and(): Expr {
    let left = this.not()
    while (this.isWord('AND')) {
      const pos = this.pos()
      this.next()
      left = { k: 'binary', op: 'AND', left, right: this.not(), pos }
    }
    return left
  }

  private not(): Expr {
    if (this.isWord('NOT')) {
      const pos = this.pos()
      this.next()
      return { k: 'unary', op: 'NOT', operand: this.not(), pos }
    }
    return this.predicate()
  }

  private predicate(): Expr {
    const operand = this.additive()
    const pos = this.pos()
    const token = this.peek()
    if (token.kind === 'symbol' && ['=', '<>', '!=', '<', '<=', '>', '>='].includes(token.value)) {
      this.next()
      const op = (token.value === '!=' ? '<>' : token.value) as BinaryOp
      return { k: 'binary', op, left: operand, right: this.additive(), pos }
    }
    if (this.acceptWord('IS')) {
      const not = this.acceptWord('NOT')
      if (this.acceptWord('NULL')) return { k: 'is', operand, what: 'NULL', not, pos }
      if (this.acceptWord('TRUE')) return { k: 'is', operand, what: 'TRUE', not, pos }
      if (this.acceptWord('FALSE')) return { k: 'is', operand, what: 'FALSE', not, pos }
      if (this.acceptWord('UNKNOWN')) return { k: 'is', operand, what: 'NULL', not, pos }
      return this.fail('"NULL", "TRUE", "FALSE" or "UNKNOWN"')
    }
    const not = this.isWord('NOT') && ['LIKE', 'SIMILAR', 'IN', 'BETWEEN'].some((w) => this.isWord(w, 1))
    if (not) this.next()
    if (this.acceptWord('LIKE') || this.acceptWord('SIMILAR', 'TO')) {
      const similar = this.peek(-1).value === 'TO'
      const pattern = this.additive()
      const escape = this.acceptWord('ESCAPE') ? this.additive() : undefined
      return escape === undefined
        ? { k: 'like', operand, pattern, similar, not, pos }
        : { k: 'like', operand, pattern, escape, similar, not, pos }
    }
    if (this.acceptWord('IN')) {
      this.expectSymbol('(')
      const list: Expr[] = []
      do list.push(this.expression())
      while (this.acceptSymbol(','))
      this.expectSymbol(')')
      return { k: 'in', operand, list, not, pos }
    }
    if (this.acceptWord('BETWEEN')) {
      this.acceptWord('ASYMMETRIC')
      const low = this.additive()
      this.expectWord('AND')
      return { k: 'between', operand, low, high: this.additive(), not, pos }
    }
    return operand
  }

  private additive(): Expr {
    let left = this.multiplicative()
    for (;;) {
      const token = this.peek()
      if (token.kind !== 'symbol' || !['+', '-', '||'].includes(token.value)) return left
      this.next()
      left = {
        k: 'binary',
        op: token.value as BinaryOp,
        left,
        right: this.multiplicative(),
        pos: this.pos(token),
      }
    }
  }

  private multiplicative(): Expr {
    let left = this.unary()
    for (;;) {
      const token = this.peek()
      if (token.kind !== 'symbol' || !['*', '/'].includes(token.value)) return left
      this.next()
      left = { k: 'binary', op: token.value as BinaryOp, left, right: this.unary(), pos: this.pos(token) }
    }
  }

  private unary(): Expr {
    const token = this.peek()
    if (token.kind === 'symbol' && (token.value === '-' || token.value === '+')) {
      this.next()
      const operand = this.unary()
      if (
        token.value === '-' &&
        operand.k === 'literal' &&
        'v' in operand.value &&
        typeof operand.value.v === 'number'
      ) {
        return { k: 'literal', value: { ...operand.value, v: -operand.value.v }, pos: this.pos(token) }
      }
      return { k: 'unary', op: token.value, operand, pos: this.pos(token) }
    }
    return this.primary()
  }

  private primary(): Expr {
    const token = this.peek()
    const pos = this.pos(token)
    switch (token.kind) {
      case 'number': {
        this.next()
        const v = Number(token.value)
        if (/[eE]/.test(token.value)) return { k: 'literal', value: { t: 'double', v }, pos }
        if (token.value.includes('.')) {
          const scale = token.value.length - token.value.indexOf('.') - 1
          return { k: 'literal', value: { t: 'decimal', v, scale }, pos }
        }
        return { k: 'literal', value: { t: 'integer', v }, pos }
      }
      case 'string':
        this.next()
        return { k: 'literal', value: { t: 'string', v: token.value }, pos }
      case 'symbol':
        if (token.value === '(') {
          this.next()
          const expr = this.expression()
          this.expectSymbol(')')
          return expr
        }
        return this.fail('an expression')
      case 'eof':
        return this.fail('an expression')
      case 'quoted':
      case 'word':
        return this.wordExpression(token, pos)
    }
  }

  private wordExpression(token: Token, pos: Position): Expr {
    if (token.kind === 'word') {
      switch (token.value) {
        case 'NULL':
          this.next()
          return { k: 'literal', value: { t: 'null' }, pos }
        case 'TRUE':
        case 'FALSE':
          this.next()
          return { k: 'literal', value: { t: 'boolean', v: token.value === 'TRUE' }, pos }
        case 'TIMESTAMP':
        case 'DATE':
        case 'TIME':
          if (this.peek(1).kind === 'string') {
            this.next()
            const literal = this.next()
            const t = token.value.toLowerCase() as 'timestamp' | 'date' | 'time'
            return { k: 'literal', value: { t, v: literal.value }, pos }
          }
          break
        case 'INTERVAL':
          return this.interval()
        case 'CASE':
          return this.caseExpression()
        case 'CURRENT_ROW_TIMESTAMP':
        case 'LOCALTIMESTAMP':
        case 'CURRENT_TIMESTAMP':
        case 'LOCALTIME':
        case 'CURRENT_TIME':
        case 'CURRENT_DATE':
          if (!this.isSymbol('(', 1)) {
            this.next()
            return { k: 'call', name: token.value, args: [], distinct: false, pos }
          }
          break
        default:
          if (RESERVED.has(token.value)) return this.fail('an expression')
      }
    }
    this.next()
    if (this.isSymbol('(')) return this.callRest(token.value, pos)
    if (this.acceptSymbol('.')) {
      const name = this.identifier('a column name')
      const column: Expr = { k: 'column', qualifier: token.value, name, pos }
      if (!this.acceptSymbol('.')) return column
      return { k: 'field', operand: column, name: this.identifier('a field name'), pos }
    }
    return { k: 'column', name: token.value, pos }
  }

  private interval(): Expr {
    const pos = this.pos()
    this.expectWord('INTERVAL')
    const sign = this.acceptSymbol('-') ? -1 : (this.acceptSymbol('+'), 1)
    const literal = this.peek()
    if (literal.kind !== 'string') return this.fail('a string literal')
    this.next()
    const unit = this.timeUnit()
    let to: TimeUnit | undefined
    if (this.acceptWord('TO')) to = this.timeUnit()
    const parsed = parseInterval(literal.value, unit, to)
    if (parsed === undefined) {
      throw new SqlCodeError(
        `Illegal interval literal format '${literal.value}' for INTERVAL ${unit}${to === undefined ? '' : ` TO ${to}`} at line ${literal.line}, column ${literal.column}`,
        literal.line,
        literal.column,
      )
    }
    return { k: 'interval', ms: sign * parsed.ms, months: sign * parsed.months, pos }
  }

  private timeUnit(): TimeUnit {
    const token = this.peek()
    if (token.kind !== 'word' || !TIME_UNITS.has(token.value)) return this.fail('a time unit')
    this.next()
    if (this.acceptSymbol('(')) {
      this.unsignedInteger()
      if (this.acceptSymbol(',')) this.unsignedInteger()
      this.expectSymbol(')')
    }
    return token.value as TimeUnit
  }

  private caseExpression(): Expr {
    const pos = this.pos()
    this.expectWord('CASE')
    const operand = this.isWord('WHEN') ? undefined : this.expression()
    const whens: { when: Expr; then: Expr }[] = []
    while (this.acceptWord('WHEN')) {
      const when = this.expression()
      this.expectWord('THEN')
      whens.push({ when, then: this.expression() })
    }
    if (whens.length === 0) this.fail('"WHEN"')
    const otherwise = this.acceptWord('ELSE') ? this.expression() : undefined
    this.expectWord('END')
    return {
      k: 'case',
      whens,
      pos,
      ...(operand === undefined ? {} : { operand }),
      ...(otherwise === undefined ? {} : { otherwise }),
    }
  }

  /** After a function's name: its arguments, including the special forms (CAST, FLOOR ... TO, STEP, EXTRACT, ...). */
  private callRest(name: string, pos: Position): Expr {
    this.expectSymbol('(')
    const special = this.specialCall(name, pos)
    if (special !== undefined) {
      this.expectSymbol(')')
      return special
    }
    const distinct = this.acceptWord('DISTINCT')
    if (!distinct) this.acceptWord('ALL')
    const args: Expr[] = []
    if (!this.isSymbol(')')) {
      do {
        if (this.isSymbol('*')) {
          args.push({ k: 'star', pos: this.pos() })
          this.next()
        } else if (this.isWord('CURSOR')) {
          const cursorPos = this.pos()
          this.next()
          this.expectSymbol('(')
          args.push({ k: 'cursor', query: this.query(), pos: cursorPos })
          this.expectSymbol(')')
        } else args.push(this.expression())
      } while (this.acceptSymbol(','))
    }
    this.expectSymbol(')')
    const fromLast = name === 'NTH_VALUE' ? this.fromFirstOrLast() : undefined
    const ignoreNulls = NULL_TREATMENT.has(name) ? this.nullTreatment() : undefined
    let over: string | WindowSpec | undefined
    if (this.acceptWord('OVER'))
      over = this.isSymbol('(') ? this.windowSpec() : this.identifier('a window name')
    return {
      k: 'call',
      name,
      args,
      distinct,
      pos,
      ...(over === undefined ? {} : { over }),
      ...(fromLast === undefined ? {} : { fromLast }),
      ...(ignoreNulls === undefined ? {} : { ignoreNulls }),
    }
  }

  /** NTH_VALUE's FROM FIRST | FROM LAST, when a window or a null treatment follows (else FROM starts the FROM clause). */
  private fromFirstOrLast(): boolean | undefined {
    if (!this.isWord('FROM') || !(this.isWord('FIRST', 1) || this.isWord('LAST', 1))) return undefined
    if (!['OVER', 'IGNORE', 'RESPECT'].some((word) => this.isWord(word, 2))) return undefined
    this.next()
    return this.next().value === 'LAST'
  }

  /** RESPECT NULLS | IGNORE NULLS (the reference also writes IGNORE NULL). */
  private nullTreatment(): boolean | undefined {
    if (this.acceptWord('RESPECT', 'NULLS')) return false
    if (this.acceptWord('IGNORE', 'NULLS') || this.acceptWord('IGNORE', 'NULL')) return true
    return undefined
  }

  private specialCall(name: string, pos: Position): Expr | undefined {
    switch (name) {
      case 'CAST': {
        const operand = this.expression()
        this.expectWord('AS')
        return { k: 'cast', operand, type: this.type(), pos }
      }
      case 'FLOOR':
      case 'CEIL':
      case 'CEILING': {
        const operand = this.expression()
        if (!this.acceptWord('TO')) {
          this.expectSymbol(')')
          this.at--
          return {
            k: 'call',
            name: name === 'CEILING' ? 'CEIL' : name,
            args: [operand],
            distinct: false,
            pos,
          }
        }
        return { k: 'floor', ceil: name !== 'FLOOR', operand, unit: this.timeUnit(), pos }
      }
      case 'STEP': {
        const operand = this.expression()
        this.expectWord('BY')
        return { k: 'step', operand, ms: this.intervalMs(), pos }
      }
      case 'EXTRACT': {
        const unit = this.peek()
        if (unit.kind !== 'word') return this.fail('a time unit')
        this.next()
        this.expectWord('FROM')
        return { k: 'extract', unit: unit.value, operand: this.expression(), pos }
      }
      case 'POSITION': {
        const needle = this.additive()
        this.expectWord('IN')
        return { k: 'position', needle, haystack: this.expression(), pos }
      }
      case 'SUBSTRING': {
        const operand = this.expression()
        if (!this.acceptWord('FROM')) {
          this.expectSymbol(',')
          this.at--
          return this.plainArgs(name, [operand], pos)
        }
        const args = [operand, this.expression()]
        if (this.acceptWord('FOR')) args.push(this.expression())
        return { k: 'call', name, args, distinct: false, pos }
      }
      case 'TRIM': {
        let mode: 'BOTH' | 'LEADING' | 'TRAILING' = 'BOTH'
        if (this.isWord('BOTH') || this.isWord('LEADING') || this.isWord('TRAILING')) {
          mode = this.next().value as typeof mode
        }
        if (this.acceptWord('FROM')) return { k: 'trim', mode, operand: this.expression(), pos }
        const first = this.expression()
        if (this.acceptWord('FROM')) return { k: 'trim', mode, chars: first, operand: this.expression(), pos }
        return { k: 'trim', mode, operand: first, pos }
      }
      default:
        return undefined
    }
  }

  /** The rest of a plain argument list whose first argument is already parsed (stops before ')'). */
  private plainArgs(name: string, args: Expr[], pos: Position): Expr {
    while (this.acceptSymbol(',')) args.push(this.expression())
    return { k: 'call', name, args, distinct: false, pos }
  }
}

/** 'n' for a single unit, or 'h:m', 'm:s', 'd h', ... for unit TO unit. */
export function parseInterval(
  text: string,
  unit: TimeUnit,
  to: TimeUnit | undefined,
): { ms: number; months: number } | undefined {
  const trimmed = text.trim()
  const negative = trimmed.startsWith('-')
  const body = negative ? trimmed.slice(1) : trimmed
  const sign = negative ? -1 : 1
  if (to === undefined) {
    if (!/^[0-9]+(\.[0-9]+)?$/.test(body)) return undefined
    const n = Number(body)
    if (unit === 'YEAR') return { ms: 0, months: sign * n * 12 }
    if (unit === 'MONTH') return { ms: 0, months: sign * n }
    return { ms: sign * Math.round(n * (UNIT_MS[unit] ?? 0)), months: 0 }
  }
  if (unit === 'YEAR' && to === 'MONTH') {
    const match = /^([0-9]+)-([0-9]+)$/.exec(body)
    if (match === null) return undefined
    return { ms: 0, months: sign * (Number(match[1]) * 12 + Number(match[2])) }
  }
  const order: TimeUnit[] = ['DAY', 'HOUR', 'MINUTE', 'SECOND']
  const from = order.indexOf(unit)
  const until = order.indexOf(to)
  if (from < 0 || until <= from) return undefined
  const parts = body.split(/[ :]/)
  if (parts.length !== until - from + 1 || parts.some((p) => !/^[0-9]+(\.[0-9]+)?$/.test(p))) return undefined
  let ms = 0
  parts.forEach((part, i) => {
    ms += Number(part) * (UNIT_MS[order[from + i] as string] ?? 0)
  })
  return { ms: sign * Math.round(ms), months: 0 }
}
