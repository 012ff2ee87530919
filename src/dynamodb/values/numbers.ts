// DynamoDB numbers: decimal strings of up to 38 significant digits, exponents from -130 to 125. Arithmetic and
// comparison are exact (a scaled BigInt), never through binary floating point: KCL's counters and sequence
// numbers must come back exactly as they went in.

export interface Decimal {
  /** The value is coefficient × 10^exponent. */
  readonly coefficient: bigint
  readonly exponent: number
}

const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/

/** Undefined when the text is not a number DynamoDB accepts the syntax of. */
export function parseDecimal(text: string): Decimal | undefined {
  const match = NUMBER.exec(text.trim())
  if (match === null) return undefined
  const [, sign = '', whole = '', fraction = '', exponentText = '0'] = match
  if (whole === '' && fraction === '') return undefined
  const digits = `${whole}${fraction}`.replace(/^0+/, '') || '0'
  const coefficient = BigInt(digits) * (sign === '-' ? -1n : 1n)
  return normalize({ coefficient, exponent: Number(exponentText) - fraction.length })
}

function normalize(value: Decimal): Decimal {
  if (value.coefficient === 0n) return { coefficient: 0n, exponent: 0 }
  let { coefficient, exponent } = value
  while (coefficient % 10n === 0n) {
    coefficient /= 10n
    exponent += 1
  }
  return { coefficient, exponent }
}

/** Why DynamoDB refuses the number, in its words; undefined when it is valid. */
export function numberProblem(text: string): string | undefined {
  if (text === '') return 'The parameter cannot be converted to a numeric value'
  const value = parseDecimal(text)
  if (value === undefined) return `The parameter cannot be converted to a numeric value: ${text}`
  if (value.coefficient === 0n) return undefined
  const digits = (value.coefficient < 0n ? -value.coefficient : value.coefficient).toString().length
  const magnitude = value.exponent + digits - 1
  if (digits > 38) return 'Attempting to store more than 38 significant digits in a Number'
  if (magnitude > 125) {
    return 'Number overflow. Attempting to store a number with magnitude larger than supported range'
  }
  if (magnitude < -130) {
    return 'Number underflow. Attempting to store a number with magnitude smaller than supported range'
  }
  return undefined
}

function aligned(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const exponent = Math.min(a.exponent, b.exponent)
  return [
    a.coefficient * 10n ** BigInt(a.exponent - exponent),
    b.coefficient * 10n ** BigInt(b.exponent - exponent),
    exponent,
  ]
}

export function compareDecimals(a: Decimal, b: Decimal): number {
  const [x, y] = aligned(a, b)
  return x < y ? -1 : x > y ? 1 : 0
}

export function addDecimals(a: Decimal, b: Decimal): Decimal {
  const [x, y, exponent] = aligned(a, b)
  return normalize({ coefficient: x + y, exponent })
}

export function negate(a: Decimal): Decimal {
  return { coefficient: -a.coefficient, exponent: a.exponent }
}

/** The canonical text DynamoDB returns: no exponent, no trailing zeros ('1.50' → '1.5', '1e3' → '1000'). */
export function formatDecimal(value: Decimal): string {
  const negative = value.coefficient < 0n
  const digits = (negative ? -value.coefficient : value.coefficient).toString()
  let text: string
  if (value.exponent >= 0) text = digits + '0'.repeat(value.exponent)
  else {
    const point = digits.length + value.exponent
    text = point > 0 ? `${digits.slice(0, point)}.${digits.slice(point)}` : `0.${'0'.repeat(-point)}${digits}`
  }
  return negative ? `-${text}` : text
}

/** Two number texts' sum, in canonical form; both must be valid numbers. */
export function addNumbers(a: string, b: string): string {
  return formatDecimal(addDecimals(decimal(a), decimal(b)))
}

export function subtractNumbers(a: string, b: string): string {
  return formatDecimal(addDecimals(decimal(a), negate(decimal(b))))
}

export function compareNumbers(a: string, b: string): number {
  return compareDecimals(decimal(a), decimal(b))
}

export function canonicalNumber(text: string): string {
  return formatDecimal(decimal(text))
}

function decimal(text: string): Decimal {
  const value = parseDecimal(text)
  if (value === undefined) throw new RangeError(`not a number: ${text}`)
  return value
}
