import type { AttributeValue, TypeName } from '../values/attribute-value.ts'

// Parsed expressions, with `#name` and `:value` placeholders already replaced by what they stand for. The legacy
// parameters (Expected, AttributeUpdates) are translated into the same trees.

/** A document path: attribute names and list indexes, e.g. a.b[2] → ['a', 'b', 2]. */
export type Path = readonly (string | number)[]

export type Operand =
  | { readonly kind: 'path'; readonly path: Path }
  | { readonly kind: 'value'; readonly value: AttributeValue }
  | { readonly kind: 'size'; readonly path: Path }

export type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>='

export type Condition =
  | { readonly kind: 'compare'; readonly op: Comparator; readonly left: Operand; readonly right: Operand }
  | { readonly kind: 'between'; readonly operand: Operand; readonly low: Operand; readonly high: Operand }
  | { readonly kind: 'in'; readonly operand: Operand; readonly list: readonly Operand[] }
  | { readonly kind: 'and' | 'or'; readonly left: Condition; readonly right: Condition }
  | { readonly kind: 'not'; readonly condition: Condition }
  | { readonly kind: 'exists' | 'not-exists'; readonly path: Path }
  | { readonly kind: 'type'; readonly path: Path; readonly type: TypeName }
  | { readonly kind: 'begins-with' | 'contains'; readonly path: Path; readonly operand: Operand }
  | { readonly kind: 'true' }

/** The right-hand side of SET. */
export type SetValue =
  | Operand
  | { readonly kind: 'if-not-exists'; readonly path: Path; readonly fallback: SetValue }
  | { readonly kind: 'list-append'; readonly first: SetValue; readonly second: SetValue }
  | { readonly kind: 'arithmetic'; readonly op: '+' | '-'; readonly left: SetValue; readonly right: SetValue }

export type UpdateAction =
  | { readonly kind: 'set'; readonly path: Path; readonly value: SetValue }
  | { readonly kind: 'remove'; readonly path: Path }
  | { readonly kind: 'add' | 'delete'; readonly path: Path; readonly value: AttributeValue }

/** `a.b[1]` as DynamoDB prints paths in messages: `[a, b, [1]]`. */
export function pathText(path: Path): string {
  return `[${path.map((part) => (typeof part === 'number' ? `[${part}]` : part)).join(', ')}]`
}
