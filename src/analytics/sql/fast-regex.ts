import { SqlRuntimeError, type RowValue, type SqlValue } from './values.ts'

// FAST_REGEX_LOG_PARSE: its pattern language (the automaton regular expression syntax of the SQL reference:
// [classes], "strings", @ any string, # nothing, <Digit> named classes, <n-m> number ranges, |, ?, *, +,
// {n,m}) and its matching. The pattern is cut into pieces, one per parenthesised group and one per run of
// items between groups; the fixed-length items at the start of a piece move to the end of the piece before it
// (x+ counts as x x*), and a piece left empty merges into that one. The pieces then match one after the other
// without backtracking between them: a piece that ends in fixed-length items takes the shortest text that
// reaches them ("lazy"), one that does not takes all it can, and the last one must reach the end of the text.
// Columns are COLUMN1..n, one per top-level group, VARCHAR(1024).

type Node =
  | { readonly k: 'text'; readonly text: string }
  | { readonly k: 'class'; readonly source: string }
  | { readonly k: 'seq'; readonly items: readonly Node[] }
  | { readonly k: 'union'; readonly branches: readonly Node[] }
  | { readonly k: 'repeat'; readonly node: Node; readonly min: number; readonly max: number }
  | { readonly k: 'group'; readonly node: Node }
  | { readonly k: 'anyString' }
  | { readonly k: 'nothing' }
  | { readonly k: 'range'; readonly low: string; readonly high: string }

const NAMED_CLASSES: Record<string, string> = {
  Digit: '[0-9]',
  Upper: '[A-Z]',
  Lower: '[a-z]',
  ASCII: '[\\x00-\\x7F]',
  Alpha: '[A-Za-z]',
  Alnum: '[A-Za-z0-9]',
  Punct: '[!-\\/:-@\\[-`{-~]',
  Blank: '[ \\t]',
  Space: '[ \\t\\n\\f\\r\\x0B]',
  Cntrl: '[\\x00-\\x1F\\x7F]',
  XDigit: '[0-9a-fA-F]',
  Print: '[!-~]',
  Graph: '[!-~]',
}

function patternError(pattern: string, message: string): SqlRuntimeError {
  return new SqlRuntimeError('RegexError', `Invalid fast regex pattern '${pattern}': ${message}`)
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')
}

function escapeClassChar(ch: string): string {
  return /[\\\]^[-]/.test(ch) ? `\\${ch}` : ch
}

class PatternParser {
  private at = 0

  constructor(private readonly pattern: string) {}

  parse(): Node {
    const node = this.union()
    if (this.at < this.pattern.length) throw this.error(`unexpected '${this.peek()}'`)
    return node
  }

  private peek(): string {
    return this.pattern.charAt(this.at)
  }

  private error(message: string): SqlRuntimeError {
    return patternError(this.pattern, `${message} at position ${this.at}`)
  }

  private union(): Node {
    const branches = [this.concat()]
    while (this.peek() === '|') {
      this.at++
      branches.push(this.concat())
    }
    return branches.length === 1 ? (branches[0] as Node) : { k: 'union', branches }
  }

  private concat(): Node {
    const items: Node[] = []
    while (this.at < this.pattern.length && !'|)'.includes(this.peek())) {
      if (this.peek() === '&') throw this.error('intersection (&) is not supported')
      items.push(this.repeat())
    }
    return items.length === 1 ? (items[0] as Node) : { k: 'seq', items }
  }

  private repeat(): Node {
    let node = this.simple()
    for (;;) {
      const ch = this.peek()
      if (ch === '?') node = { k: 'repeat', node, min: 0, max: 1 }
      else if (ch === '*') node = { k: 'repeat', node, min: 0, max: Infinity }
      else if (ch === '+') node = { k: 'repeat', node, min: 1, max: Infinity }
      else if (ch === '{') {
        const match = /^\{(\d+)(,(\d*))?\}/.exec(this.pattern.slice(this.at))
        if (match === null) throw this.error("invalid '{'")
        const min = Number(match[1])
        const max = match[2] === undefined ? min : match[3] === '' ? Infinity : Number(match[3])
        if (max < min) throw this.error('a repetition maximum below its minimum')
        node = { k: 'repeat', node, min, max }
        this.at += match[0].length - 1
      } else return node
      this.at++
    }
  }

  private char(): string {
    if (this.peek() === '\\') this.at++
    if (this.at >= this.pattern.length) throw this.error('unexpected end')
    return this.pattern.charAt(this.at++)
  }

  private simple(): Node {
    const ch = this.peek()
    switch (ch) {
      case '.':
        this.at++
        return { k: 'class', source: '[\\s\\S]' }
      case '@':
        this.at++
        return { k: 'anyString' }
      case '#':
        this.at++
        return { k: 'nothing' }
      case '~':
        throw this.error('complement (~) is not supported')
      case '"': {
        const end = this.pattern.indexOf('"', this.at + 1)
        if (end < 0) throw this.error('unterminated string')
        const text = this.pattern.slice(this.at + 1, end)
        this.at = end + 1
        return { k: 'text', text }
      }
      case '(': {
        this.at++
        const node: Node = this.peek() === ')' ? { k: 'text', text: '' } : this.union()
        if (this.peek() !== ')') throw this.error("missing ')'")
        this.at++
        return { k: 'group', node }
      }
      case '[':
        return this.charClass()
      case '<':
        return this.named()
      case '?':
      case '*':
      case '+':
      case '{':
        throw this.error(`nothing to repeat before '${ch}'`)
      default:
        return { k: 'text', text: this.char() }
    }
  }

  private charClass(): Node {
    this.at++
    let source = '['
    if (this.peek() === '^') {
      source += '^'
      this.at++
    }
    while (this.peek() !== ']') {
      if (this.at >= this.pattern.length) throw this.error("missing ']'")
      const from = this.char()
      if (this.peek() === '-' && this.pattern.charAt(this.at + 1) !== ']') {
        this.at++
        const to = this.char()
        if (to < from) throw this.error(`an empty range ${from}-${to}`)
        source += `${escapeClassChar(from)}-${escapeClassChar(to)}`
      } else source += escapeClassChar(from)
    }
    this.at++
    return { k: 'class', source: `${source}]` }
  }

  private named(): Node {
    const end = this.pattern.indexOf('>', this.at)
    if (end < 0) throw this.error("missing '>'")
    const name = this.pattern.slice(this.at + 1, end)
    this.at = end + 1
    const range = /^(\d+)-(\d+)$/.exec(name)
    if (range !== null) {
      const [, low = '', high = ''] = range
      if (Number(low) > Number(high)) throw this.error(`an empty range <${name}>`)
      return { k: 'range', low, high }
    }
    const source = NAMED_CLASSES[name]
    if (source === undefined) throw this.error(`unknown named pattern <${name}>`)
    return { k: 'class', source }
  }
}

/** The length of every text the node matches, or undefined if they differ. */
function fixedLength(node: Node): number | undefined {
  switch (node.k) {
    case 'text':
      return node.text.length
    case 'class':
      return 1
    case 'nothing':
      return 0
    case 'anyString':
      return undefined
    case 'group':
      return fixedLength(node.node)
    case 'range':
      return node.low.length === node.high.length ? node.low.length : undefined
    case 'seq': {
      let total = 0
      for (const item of node.items) {
        const length = fixedLength(item)
        if (length === undefined) return undefined
        total += length
      }
      return total
    }
    case 'union': {
      const lengths = new Set(node.branches.map(fixedLength))
      return lengths.size === 1 ? [...lengths][0] : undefined
    }
    case 'repeat': {
      if (node.max === 0) return 0
      const length = fixedLength(node.node)
      return length !== undefined && node.min === node.max ? length * node.min : undefined
    }
  }
}

/** Digits from `low` to `high` (strings of one length) as a regular expression. */
function digitRange(low: string, high: string): string {
  if (low === high) return low
  const a = Number(low.charAt(0))
  const b = Number(high.charAt(0))
  const restLow = low.slice(1)
  const restHigh = high.slice(1)
  if (a === b) return `${a}${digitRange(restLow, restHigh)}`
  const width = restLow.length
  const parts = [`${a}${digitRange(restLow, '9'.repeat(width))}`]
  if (b - a > 1) parts.push(`[${a + 1}-${b - 1}]${width > 0 ? `[0-9]{${width}}` : ''}`)
  parts.push(`${b}${digitRange('0'.repeat(width), restHigh)}`)
  return `(?:${parts.join('|')})`
}

/** <n-m>: the numbers from n to m; with bounds of one width exactly that many digits, else any leading zeros. */
function rangeSource(low: string, high: string): string {
  if (low.length === high.length) return digitRange(low, high)
  const alternatives: string[] = []
  const lowest = String(Number(low))
  for (let width = lowest.length; width <= high.length; width++) {
    const from = width === lowest.length ? lowest : `1${'0'.repeat(width - 1)}`
    const to = width === high.length ? high : '9'.repeat(width)
    alternatives.push(digitRange(from, to))
  }
  return `0*(?:${alternatives.join('|')})`
}

function quantifier(min: number, max: number): string {
  if (min === 0 && max === Infinity) return '*'
  if (min === 1 && max === Infinity) return '+'
  if (min === 0 && max === 1) return '?'
  if (max === Infinity) return `{${min},}`
  return min === max ? `{${min}}` : `{${min},${max}}`
}

function render(node: Node, lazy: boolean): string {
  switch (node.k) {
    case 'text':
      return escapeRegex(node.text)
    case 'class':
      return node.source
    case 'nothing':
      return '(?!)'
    case 'anyString':
      return lazy ? '[\\s\\S]*?' : '[\\s\\S]*'
    case 'range':
      return rangeSource(node.low, node.high)
    case 'group':
      return `(?:${render(node.node, lazy)})`
    case 'seq':
      return node.items.map((item) => render(item, lazy)).join('')
    case 'union':
      return `(?:${node.branches.map((branch) => render(branch, lazy)).join('|')})`
    case 'repeat':
      return `(?:${render(node.node, lazy)})${quantifier(node.min, node.max)}${lazy && node.min !== node.max ? '?' : ''}`
  }
}

interface Segment {
  /** the top-level group (0-based) the segment's text belongs to */
  readonly group?: number
  readonly items: Node[]
}

interface Piece {
  readonly segments: readonly Segment[]
  readonly regex: RegExp
}

interface FastRegex {
  readonly groups: number
  readonly pieces: readonly Piece[]
}

function itemsOf(node: Node): Node[] {
  return node.k === 'seq' ? [...node.items] : [node]
}

/** The fixed-length items at the start (a repetition with a minimum gives its first copies), and the rest. */
function splitFixedPrefix(items: readonly Node[]): { prefix: Node[]; rest: Node[] } {
  const prefix: Node[] = []
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as Node
    if (fixedLength(item) !== undefined) {
      prefix.push(item)
      continue
    }
    if (item.k === 'repeat' && item.min > 0 && fixedLength(item.node) !== undefined) {
      prefix.push({ k: 'repeat', node: item.node, min: item.min, max: item.min })
      const remainder: Node = { k: 'repeat', node: item.node, min: 0, max: item.max - item.min }
      return { prefix, rest: [remainder, ...items.slice(i + 1)] }
    }
    return { prefix, rest: items.slice(i) }
  }
  return { prefix, rest: [] }
}

function compileFastRegex(pattern: string): FastRegex {
  const root = new PatternParser(pattern).parse()
  // The expressions: each top-level group, and each run of items between groups.
  const expressions: Segment[] = []
  let groups = 0
  for (const item of itemsOf(root)) {
    if (item.k === 'group') expressions.push({ group: groups++, items: itemsOf(item.node) })
    else {
      const last = expressions[expressions.length - 1]
      if (last !== undefined && last.group === undefined) last.items.push(item)
      else expressions.push({ items: [item] })
    }
  }
  const pieces: Segment[][] = []
  for (const expression of expressions) {
    const previous = pieces[pieces.length - 1]
    if (previous === undefined) {
      pieces.push([expression])
      continue
    }
    const { prefix, rest } = splitFixedPrefix(expression.items)
    if (prefix.length > 0) previous.push({ ...expression, items: prefix })
    if (rest.length > 0) pieces.push([{ ...expression, items: rest }])
    else if (prefix.length === 0) previous.push(expression)
  }
  return {
    groups,
    pieces: pieces.map((segments, index) => {
      const last = index === pieces.length - 1
      const items = segments.flatMap((s) => s.items)
      const tail = items[items.length - 1]
      const lazy = last || (tail !== undefined && (fixedLength(tail) ?? 0) > 0)
      const source = segments.map((s) => `(${s.items.map((item) => render(item, lazy)).join('')})`).join('')
      return { segments, regex: new RegExp(last ? `${source}$` : source, 'y') }
    }),
  }
}

const compiledPatterns = new Map<string, FastRegex>()

function compiled(pattern: string): FastRegex {
  let fast = compiledPatterns.get(pattern)
  if (fast === undefined) {
    fast = compileFastRegex(pattern)
    if (compiledPatterns.size < 1000) compiledPatterns.set(pattern, fast)
  }
  return fast
}

/** Throws the pattern's syntax error, if it has one. */
export function checkFastRegex(pattern: string): void {
  compiled(pattern)
}

/** FAST_REGEX_LOG_PARSE: COLUMN1..n of the top-level groups; NULL when the pieces do not account for the whole text. */
export function fastRegexLogParse(value: string, pattern: string): RowValue | null {
  const fast = compiled(pattern)
  const texts: string[] = new Array<string>(fast.groups).fill('')
  let at = 0
  for (const piece of fast.pieces) {
    piece.regex.lastIndex = at
    const match = piece.regex.exec(value)
    if (match === null) return null
    piece.segments.forEach((segment, i) => {
      if (segment.group !== undefined)
        texts[segment.group] = `${texts[segment.group] ?? ''}${match[i + 1] ?? ''}`
    })
    at += match[0].length
  }
  if (fast.pieces.length === 0 && value !== '') return null
  const fields: Record<string, SqlValue> = {}
  texts.forEach((text, i) => (fields[`COLUMN${i + 1}`] = text.slice(0, 1024)))
  return { fields }
}
