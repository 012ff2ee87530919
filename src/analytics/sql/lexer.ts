/** Tokens of the Kinesis Data Analytics SQL dialect, each with the 1-based line and column it starts at. */
export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'symbol' | 'eof'

export interface Token {
  readonly kind: TokenKind
  /** words: upper-cased; quoted identifiers and strings: their exact content; symbols and numbers: as written */
  readonly value: string
  readonly text: string
  readonly line: number
  readonly column: number
}

export class SqlCodeError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message)
  }
}

const SYMBOLS = [
  '<>',
  '<=',
  '>=',
  '!=',
  '||',
  '(',
  ')',
  ',',
  '.',
  ';',
  '+',
  '-',
  '*',
  '/',
  '=',
  '<',
  '>',
  '[',
  ']',
]

function isWordStart(ch: string): boolean {
  return /[A-Za-z_$]/.test(ch)
}

function isWordPart(ch: string): boolean {
  return /[A-Za-z0-9_$]/.test(ch)
}

export function tokenize(code: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  let line = 1
  let lineStart = 0
  const column = (at: number): number => at - lineStart + 1
  const fail = (message: string, at: number): never => {
    throw new SqlCodeError(message, line, column(at))
  }
  const newlinesIn = (from: number, to: number): void => {
    for (let k = from; k < to; k++) {
      if (code[k] === '\n') {
        line++
        lineStart = k + 1
      }
    }
  }
  while (i < code.length) {
    const ch = code.charAt(i)
    if (ch === '\n') {
      line++
      lineStart = ++i
      continue
    }
    if (/\s/.test(ch)) {
      i++
      continue
    }
    if (ch === '-' && code[i + 1] === '-') {
      while (i < code.length && code[i] !== '\n') i++
      continue
    }
    if (ch === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2)
      if (end < 0) fail('Unterminated comment', i)
      newlinesIn(i, end)
      i = end + 2
      continue
    }
    const startLine = line
    const startColumn = column(i)
    const push = (kind: TokenKind, value: string, text: string): void => {
      tokens.push({ kind, value, text, line: startLine, column: startColumn })
    }
    if (isWordStart(ch)) {
      let j = i + 1
      while (j < code.length && isWordPart(code.charAt(j))) j++
      const text = code.slice(i, j)
      push('word', text.toUpperCase(), text)
      i = j
      continue
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1
      let value = ''
      for (;;) {
        if (j >= code.length) {
          fail(ch === '"' ? 'Unterminated quoted identifier' : 'Unterminated string literal', i)
        }
        const c = code.charAt(j)
        if (c === ch) {
          if (code[j + 1] === ch) {
            value += ch
            j += 2
            continue
          }
          break
        }
        value += c
        j++
      }
      const text = code.slice(i, j + 1)
      newlinesIn(i, j)
      if (ch === '"' && value === '')
        throw new SqlCodeError('Zero-length delimited identifier', startLine, startColumn)
      push(ch === '"' ? 'quoted' : 'string', value, text)
      i = j + 1
      continue
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(code.charAt(i + 1)))) {
      const match = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(code.slice(i))
      const text = match?.[0] ?? ch
      push('number', text, text)
      i += text.length
      continue
    }
    const symbol = SYMBOLS.find((s) => code.startsWith(s, i))
    if (symbol === undefined) fail(`Lexical error: encountered "${ch}"`, i)
    else {
      push('symbol', symbol, symbol)
      i += symbol.length
    }
  }
  tokens.push({ kind: 'eof', value: '<EOF>', text: '<EOF>', line, column: column(i) })
  return tokens
}
