/** The syntax tree of an application's code. Names are already folded: unquoted upper-cased, quoted exact. */

export interface Position {
  readonly line: number
  readonly column: number
}

export type TimeUnit = 'YEAR' | 'MONTH' | 'DAY' | 'HOUR' | 'MINUTE' | 'SECOND'

export interface SqlType {
  /** INTEGER, BIGINT, SMALLINT, TINYINT, REAL, DOUBLE, DECIMAL, VARCHAR, CHAR, BOOLEAN, TIMESTAMP, DATE, TIME, VARBINARY */
  readonly name: string
  readonly length?: number
  readonly scale?: number
}

export interface WindowSpec {
  readonly base?: string
  readonly partitionBy: readonly Expr[]
  readonly orderBy?: readonly Expr[]
  /** RANGE INTERVAL ... PRECEDING, in milliseconds */
  readonly rangeMs?: number
  /** ROWS n PRECEDING */
  readonly rows?: number
  readonly pos: Position
}

export type Expr =
  | { readonly k: 'literal'; readonly value: LiteralValue; readonly pos: Position }
  | { readonly k: 'interval'; readonly ms: number; readonly months: number; readonly pos: Position }
  | { readonly k: 'column'; readonly qualifier?: string; readonly name: string; readonly pos: Position }
  | { readonly k: 'star'; readonly qualifier?: string; readonly pos: Position }
  | { readonly k: 'unary'; readonly op: '-' | '+' | 'NOT'; readonly operand: Expr; readonly pos: Position }
  | {
      readonly k: 'binary'
      readonly op: BinaryOp
      readonly left: Expr
      readonly right: Expr
      readonly pos: Position
    }
  | {
      readonly k: 'call'
      readonly name: string
      readonly args: readonly Expr[]
      readonly distinct: boolean
      /** OVER window name, or an inline window */
      readonly over?: string | WindowSpec
      /** NTH_VALUE(x, n) FROM LAST: counted from the last row of the window */
      readonly fromLast?: boolean
      /** IGNORE NULLS (LAG, FIRST_VALUE, LAST_VALUE, NTH_VALUE): NULL values are skipped */
      readonly ignoreNulls?: boolean
      readonly pos: Position
    }
  | {
      readonly k: 'case'
      readonly operand?: Expr
      readonly whens: readonly { readonly when: Expr; readonly then: Expr }[]
      readonly otherwise?: Expr
      readonly pos: Position
    }
  | { readonly k: 'cast'; readonly operand: Expr; readonly type: SqlType; readonly pos: Position }
  | {
      readonly k: 'like'
      readonly operand: Expr
      readonly pattern: Expr
      readonly escape?: Expr
      readonly similar: boolean
      readonly not: boolean
      readonly pos: Position
    }
  | {
      readonly k: 'in'
      readonly operand: Expr
      readonly list: readonly Expr[]
      readonly not: boolean
      readonly pos: Position
    }
  | {
      readonly k: 'between'
      readonly operand: Expr
      readonly low: Expr
      readonly high: Expr
      readonly not: boolean
      readonly pos: Position
    }
  | {
      readonly k: 'is'
      readonly operand: Expr
      readonly what: 'NULL' | 'TRUE' | 'FALSE'
      readonly not: boolean
      readonly pos: Position
    }
  /** FLOOR(x TO unit), CEIL(x TO unit) */
  | {
      readonly k: 'floor'
      readonly ceil: boolean
      readonly operand: Expr
      readonly unit: TimeUnit
      readonly pos: Position
    }
  /** STEP(x BY INTERVAL ...) */
  | { readonly k: 'step'; readonly operand: Expr; readonly ms: number; readonly pos: Position }
  | { readonly k: 'extract'; readonly unit: string; readonly operand: Expr; readonly pos: Position }
  | { readonly k: 'position'; readonly needle: Expr; readonly haystack: Expr; readonly pos: Position }
  | {
      readonly k: 'trim'
      readonly mode: 'BOTH' | 'LEADING' | 'TRAILING'
      readonly chars?: Expr
      readonly operand: Expr
      readonly pos: Position
    }
  | { readonly k: 'cursor'; readonly query: Query; readonly pos: Position }
  /** a.b.c: field c of the row-valued column a.b (what the log parsing functions return) */
  | { readonly k: 'field'; readonly operand: Expr; readonly name: string; readonly pos: Position }

export type LiteralValue =
  | { readonly t: 'null' }
  | { readonly t: 'boolean'; readonly v: boolean }
  | { readonly t: 'integer'; readonly v: number }
  | { readonly t: 'decimal'; readonly v: number; readonly scale: number }
  | { readonly t: 'double'; readonly v: number }
  | { readonly t: 'string'; readonly v: string }
  | { readonly t: 'timestamp' | 'date' | 'time'; readonly v: string }

export type BinaryOp = '+' | '-' | '*' | '/' | '||' | '=' | '<>' | '<' | '<=' | '>' | '>=' | 'AND' | 'OR'

export interface SelectItem {
  readonly expr: Expr
  readonly alias?: string
}

export type FromItem =
  | {
      readonly k: 'stream'
      readonly name: string
      readonly alias?: string
      readonly over?: WindowSpec
      readonly pos: Position
    }
  | {
      readonly k: 'subquery'
      readonly query: Query
      readonly alias?: string
      /** AS t(a, b): the subquery's columns renamed */
      readonly columns?: readonly string[]
      readonly pos: Position
    }
  | {
      readonly k: 'function'
      readonly call: Expr & { k: 'call' }
      readonly alias?: string
      readonly pos: Position
    }
  | {
      readonly k: 'join'
      readonly kind: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS'
      readonly left: FromItem
      readonly right: FromItem
      readonly on?: Expr
      readonly pos: Position
    }

export interface Query {
  readonly stream: boolean
  readonly distinct: boolean
  readonly items: readonly SelectItem[]
  readonly from: FromItem
  readonly where?: Expr
  readonly groupBy?: readonly Expr[]
  readonly stagger?: {
    readonly partitionBy: readonly Expr[]
    readonly rangeMs: number
    readonly pos: Position
  }
  readonly having?: Expr
  readonly windows: readonly { readonly name: string; readonly spec: WindowSpec }[]
  readonly orderBy?: readonly { readonly expr: Expr; readonly descending: boolean }[]
  /** SELECT ... UNION ALL SELECT ...: the other branches, merged in arrival order */
  readonly unionAll?: readonly Query[]
  readonly pos: Position
}

export interface ColumnDefinition {
  readonly name: string
  readonly type: SqlType
  readonly pos: Position
}

export type Statement =
  | {
      readonly k: 'createStream'
      readonly orReplace: boolean
      readonly name: string
      readonly columns: readonly ColumnDefinition[]
      readonly pos: Position
    }
  | {
      readonly k: 'createPump'
      readonly orReplace: boolean
      readonly name: string
      readonly target: string
      readonly columns?: readonly string[]
      readonly query: Query
      readonly pos: Position
    }
  | { readonly k: 'select'; readonly query: Query; readonly pos: Position }
