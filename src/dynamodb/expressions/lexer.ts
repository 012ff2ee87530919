import { ExpressionError } from './placeholders.ts'

export type TokenKind = 'word' | 'name' | 'value' | 'index' | 'symbol' | 'end'

export interface Token {
  readonly kind: TokenKind
  /** As written (a placeholder with its '#' or ':'; a symbol such as '<='). */
  readonly text: string
}

const SYMBOLS = ['<>', '<=', '>=', '=', '<', '>', '(', ')', '[', ']', ',', '.', '+', '-']

/** Splits an expression into tokens; throws DynamoDB's syntax error for a character it does not know. */
export function tokenize(source: string, expression: string): Token[] {
  const tokens: Token[] = []
  let position = 0
  while (position < source.length) {
    const rest = source.slice(position)
    const space = /^\s+/.exec(rest)
    if (space !== null) {
      position += space[0].length
      continue
    }
    const word = /^(#|:)?[A-Za-z0-9_]+/.exec(rest)
    if (word !== null) {
      const text = word[0]
      const kind =
        word[1] === '#' ? 'name' : word[1] === ':' ? 'value' : /^\d+$/.test(text) ? 'index' : 'word'
      tokens.push({ kind, text })
      position += text.length
      continue
    }
    const symbol = SYMBOLS.find((candidate) => rest.startsWith(candidate))
    if (symbol === undefined) {
      throw new ExpressionError(
        `Invalid ${expression}: Syntax error; token: "${rest.charAt(0)}", near: "${nearText(source, position)}"`,
      )
    }
    tokens.push({ kind: 'symbol', text: symbol })
    position += symbol.length
  }
  tokens.push({ kind: 'end', text: '<EOF>' })
  return tokens
}

function nearText(source: string, position: number): string {
  return source.slice(Math.max(0, position - 8), position + 1).trim()
}
