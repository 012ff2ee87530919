// `!{timestamp:<pattern>}`: the subset of Java's DateTimeFormatter patterns that S3 prefixes use, evaluated in
// an IANA time zone through Intl.
//
//   y u   year (yy: two digits; otherwise padded to the count)      M L  month (1-2 digits, 3 short name, 4 name)
//   d     day of month      D  day of year      H  hour 0-23      k  hour 1-24      h  hour 1-12      K  hour 0-11
//   m     minute            s  second           S  fraction of second (count digits)     a  AM/PM
//   E     day of week (1-3 short name, 4 full name)
//   'x'   literal text; '' is a single quote. Any other character that is not a letter is literal.
//
// Any other letter is refused (DateTimeFormatter reserves every letter).

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const SUPPORTED_LETTERS = new Set('yuMLdDHkhKmsSaE')

type Token = { readonly literal: string } | { readonly letter: string; readonly count: number }

export class TimestampPatternError extends Error {
  override name = 'TimestampPatternError'
}

/** A parsed pattern, evaluated many times. */
export interface TimestampPattern {
  format(epochMillis: number, timeZone: string): string
}

const patterns = new Map<string, TimestampPattern>()

/** Parses (and caches) a pattern; throws TimestampPatternError for a letter it does not support or an open quote. */
export function timestampPattern(pattern: string): TimestampPattern {
  let parsed = patterns.get(pattern)
  if (parsed === undefined) {
    const tokens = tokenize(pattern)
    parsed = { format: (epochMillis, timeZone) => render(tokens, fieldsAt(epochMillis, timeZone)) }
    if (patterns.size < 1000) patterns.set(pattern, parsed)
  }
  return parsed
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = []
  let index = 0
  while (index < pattern.length) {
    const character = pattern.charAt(index)
    if (character === "'") {
      if (pattern.charAt(index + 1) === "'") {
        tokens.push({ literal: "'" })
        index += 2
        continue
      }
      let text = ''
      index++
      for (;;) {
        if (index >= pattern.length) throw new TimestampPatternError(`unterminated quote in '${pattern}'`)
        if (pattern.charAt(index) === "'") {
          if (pattern.charAt(index + 1) === "'") {
            text += "'"
            index += 2
            continue
          }
          index++
          break
        }
        text += pattern.charAt(index)
        index++
      }
      tokens.push({ literal: text })
    } else if (/[a-zA-Z]/.test(character)) {
      if (!SUPPORTED_LETTERS.has(character)) {
        throw new TimestampPatternError(`unsupported pattern letter '${character}' in '${pattern}'`)
      }
      let count = 1
      while (pattern.charAt(index + count) === character) count++
      tokens.push({ letter: character, count })
      index += count
    } else {
      tokens.push({ literal: character })
      index++
    }
  }
  return tokens
}

interface Fields {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  millisecond: number
  weekday: number
  dayOfYear: number
}

const partFormatters = new Map<string, Intl.DateTimeFormat>()

/** The wall-clock fields of an instant in a time zone ('UTC' without Intl). */
function fieldsAt(epochMillis: number, timeZone: string): Fields {
  const millisecond = ((epochMillis % 1000) + 1000) % 1000
  let wall: Date
  if (timeZone === 'UTC' || timeZone === '') {
    wall = new Date(epochMillis)
  } else {
    let formatter = partFormatters.get(timeZone)
    if (formatter === undefined) {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      })
      partFormatters.set(timeZone, formatter)
    }
    const parts: Record<string, number> = {}
    for (const part of formatter.formatToParts(epochMillis)) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value)
    }
    wall = new Date(
      Date.UTC(
        parts.year ?? 1970,
        (parts.month ?? 1) - 1,
        parts.day ?? 1,
        parts.hour ?? 0,
        parts.minute ?? 0,
        parts.second ?? 0,
        millisecond,
      ),
    )
  }
  const startOfYear = Date.UTC(wall.getUTCFullYear(), 0, 1)
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
    millisecond,
    weekday: wall.getUTCDay(),
    dayOfYear: Math.floor((wall.getTime() - startOfYear) / 86_400_000) + 1,
  }
}

/** True when Intl knows the IANA zone. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
    return true
  } catch {
    return false
  }
}

function render(tokens: readonly Token[], fields: Fields): string {
  let text = ''
  for (const token of tokens) {
    text += 'literal' in token ? token.literal : field(token.letter, token.count, fields)
  }
  return text
}

function field(letter: string, count: number, fields: Fields): string {
  switch (letter) {
    case 'y':
    case 'u':
      return count === 2 ? pad(fields.year % 100, 2) : pad(fields.year, count)
    case 'M':
    case 'L':
      if (count === 3) return (MONTHS[fields.month - 1] ?? '').slice(0, 3)
      if (count >= 4) return MONTHS[fields.month - 1] ?? ''
      return pad(fields.month, count)
    case 'd':
      return pad(fields.day, count)
    case 'D':
      return pad(fields.dayOfYear, count)
    case 'H':
      return pad(fields.hour, count)
    case 'k':
      return pad(fields.hour === 0 ? 24 : fields.hour, count)
    case 'h':
      return pad(fields.hour % 12 === 0 ? 12 : fields.hour % 12, count)
    case 'K':
      return pad(fields.hour % 12, count)
    case 'm':
      return pad(fields.minute, count)
    case 's':
      return pad(fields.second, count)
    case 'S':
      return pad(fields.millisecond, 3).padEnd(count, '0').slice(0, count)
    case 'a':
      return fields.hour < 12 ? 'AM' : 'PM'
    default: {
      // 'E'
      const name = WEEKDAYS[fields.weekday] ?? ''
      return count >= 4 ? name : name.slice(0, 3)
    }
  }
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0')
}
