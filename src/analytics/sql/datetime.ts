import { SqlRuntimeError } from './values.ts'

/**
 * Java SimpleDateFormat patterns, as CHAR_TO_TIMESTAMP and TIMESTAMP_TO_CHAR take them:
 * yyyy yy MM MMM dd d HH H hh h mm m ss s SSS a, 'quoted text'; everything else is literal. UTC.
 */
type Part = { field: string; width: number } | { literal: string }

export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

function parts(format: string): Part[] {
  const out: Part[] = []
  let i = 0
  while (i < format.length) {
    const ch = format.charAt(i)
    if (ch === "'") {
      const end = format.indexOf("'", i + 1)
      const literal = end < 0 ? format.slice(i + 1) : format.slice(i + 1, end)
      out.push({ literal: literal === '' ? "'" : literal })
      i = end < 0 ? format.length : end + 1
      continue
    }
    if (/[A-Za-z]/.test(ch)) {
      let j = i
      while (format.charAt(j) === ch) j++
      out.push({ field: ch, width: j - i })
      i = j
      continue
    }
    out.push({ literal: ch })
    i++
  }
  return out
}

export function formatDateTime(format: string, ms: number): string {
  const d = new Date(ms)
  return parts(format)
    .map((part) => {
      if ('literal' in part) return part.literal
      const num = (n: number): string => String(n).padStart(part.width, '0')
      switch (part.field) {
        case 'y':
          return part.width === 2
            ? String(d.getUTCFullYear() % 100).padStart(2, '0')
            : num(d.getUTCFullYear())
        case 'M':
          return part.width >= 3 ? (MONTHS[d.getUTCMonth()] ?? '') : num(d.getUTCMonth() + 1)
        case 'd':
          return num(d.getUTCDate())
        case 'H':
          return num(d.getUTCHours())
        case 'h':
          return num(d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12)
        case 'm':
          return num(d.getUTCMinutes())
        case 's':
          return num(d.getUTCSeconds())
        case 'S':
          return String(d.getUTCMilliseconds())
            .padStart(3, '0')
            .slice(0, Math.max(part.width, 1))
            .padEnd(part.width, '0')
        case 'a':
          return d.getUTCHours() < 12 ? 'AM' : 'PM'
        default:
          return part.field.repeat(part.width)
      }
    })
    .join('')
}

export function parseDateTime(format: string, text: string): number {
  const fail = (): never => {
    throw new SqlRuntimeError('DateParseError', `Cannot parse '${text}' with format '${format}'`)
  }
  let year = 1970
  let month = 0
  let day = 1
  let hour = 0
  let minute = 0
  let second = 0
  let millis = 0
  let pm: boolean | undefined
  let at = 0
  const list = parts(format)
  for (let index = 0; index < list.length; index++) {
    const part = list[index] as Part
    if ('literal' in part) {
      if (!text.startsWith(part.literal, at)) fail()
      at += part.literal.length
      continue
    }
    if (part.field === 'M' && part.width >= 3) {
      const name = text.slice(at, at + 3).toLowerCase()
      const found = MONTHS.findIndex((m) => m.toLowerCase() === name)
      if (found < 0) fail()
      month = found
      at += 3
      continue
    }
    if (part.field === 'a') {
      const marker = text.slice(at, at + 2).toUpperCase()
      if (marker !== 'AM' && marker !== 'PM') fail()
      pm = marker === 'PM'
      at += 2
      continue
    }
    const next = list[index + 1]
    const adjacentField = next !== undefined && 'field' in next
    const match = (adjacentField ? new RegExp(`^\\d{${part.width}}`) : /^\d+/).exec(text.slice(at))
    if (match === null) return fail()
    const value = Number(match[0])
    at += match[0].length
    switch (part.field) {
      case 'y':
        year = part.width === 2 ? 2000 + value : value
        break
      case 'M':
        month = value - 1
        break
      case 'd':
        day = value
        break
      case 'H':
      case 'h':
        hour = value
        break
      case 'm':
        minute = value
        break
      case 's':
        second = value
        break
      case 'S':
        millis = Number(match[0].padEnd(3, '0').slice(0, 3))
        break
      default:
        fail()
    }
  }
  if (at !== text.length) fail()
  if (pm !== undefined) hour = (hour % 12) + (pm ? 12 : 0)
  return Date.UTC(year, month, day, hour, minute, second, millis)
}

export const UNIT_MS: Record<string, number> = {
  DAY: 86_400_000,
  HOUR: 3_600_000,
  MINUTE: 60_000,
  SECOND: 1000,
}

/** FLOOR / CEIL of a timestamp to a unit, in UTC. */
export function truncateTimestamp(ms: number, unit: string, ceil: boolean): number {
  const d = new Date(ms)
  let floor: number
  if (unit === 'YEAR') floor = Date.UTC(d.getUTCFullYear(), 0, 1)
  else if (unit === 'MONTH') floor = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)
  else {
    const size = UNIT_MS[unit] ?? 1
    floor = Math.floor(ms / size) * size
  }
  if (!ceil || floor === ms) return floor
  if (unit === 'YEAR') return Date.UTC(d.getUTCFullYear() + 1, 0, 1)
  if (unit === 'MONTH') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)
  return floor + (UNIT_MS[unit] ?? 1)
}

export function extractField(unit: string, ms: number): number {
  const d = new Date(ms)
  switch (unit) {
    case 'YEAR':
      return d.getUTCFullYear()
    case 'QUARTER':
      return Math.floor(d.getUTCMonth() / 3) + 1
    case 'MONTH':
      return d.getUTCMonth() + 1
    case 'WEEK': {
      const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()))
      const dayNumber = (target.getUTCDay() + 6) % 7
      target.setUTCDate(target.getUTCDate() - dayNumber + 3)
      const firstThursday = new Date(Date.UTC(target.getUTCFullYear(), 0, 4))
      return (
        1 +
        Math.round(
          ((target.getTime() - firstThursday.getTime()) / 86_400_000 -
            3 +
            ((firstThursday.getUTCDay() + 6) % 7)) /
            7,
        )
      )
    }
    case 'DAY':
      return d.getUTCDate()
    case 'DOW':
      return d.getUTCDay() + 1
    case 'DOY':
      return Math.floor((ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1
    case 'HOUR':
      return d.getUTCHours()
    case 'MINUTE':
      return d.getUTCMinutes()
    case 'SECOND':
      return d.getUTCSeconds()
    case 'MILLISECOND':
      return d.getUTCMilliseconds()
    case 'EPOCH':
      return Math.floor(ms / 1000)
    default:
      throw new SqlRuntimeError('UnsupportedField', `EXTRACT does not support ${unit}`)
  }
}
