// Prometheus text exposition format 0.0.4: https://prometheus.io/docs/instrumenting/exposition_formats/

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

/** Label names that have a meaning of their own in the format. */
const RESERVED_LABELS = new Set(['le', 'quantile'])

/**
 * A label name from any text: characters outside [a-zA-Z0-9_] become `_`, a leading digit gets a `_` before it;
 * names Prometheus reserves (`__*`, `le`, `quantile`) or that `taken` holds get `prefix` before them.
 */
export function labelName(text: string, prefix: string, taken: ReadonlySet<string>): string {
  let name = text.replace(/[^a-zA-Z0-9_]/g, '_')
  if (name === '' || /^[0-9]/.test(name)) name = `_${name}`
  if (name.startsWith('__') || RESERVED_LABELS.has(name) || taken.has(name)) name = `${prefix}${name}`
  return name
}

/** A label value between double quotes: backslash, double quote and line feed escaped. */
export function labelValue(text: string): string {
  return text.replace(/[\\"\n]/g, (character) => (character === '\n' ? '\\n' : `\\${character}`))
}

/** `{a="x",b="y"}`, or nothing without labels. */
export function labelSet(labels: readonly (readonly [string, string])[]): string {
  if (labels.length === 0) return ''
  return `{${labels.map(([name, value]) => `${name}="${labelValue(value)}"`).join(',')}}`
}

/** A sample value: `+Inf`, `-Inf` and `NaN` as the format spells them. */
export function sampleValue(value: number): string {
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  return String(value)
}

/** The `# HELP` and `# TYPE` lines of a family. */
export function familyHeader(
  name: string,
  type: 'counter' | 'gauge' | 'histogram' | 'summary',
  help: string,
): string {
  return `# HELP ${name} ${help.replace(/[\\\n]/g, (character) => (character === '\n' ? '\\n' : '\\\\'))}\n# TYPE ${name} ${type}\n`
}

/** A family whose samples are one value of each item, labelled by the item. */
export interface ItemFamily<T> {
  readonly name: string
  readonly type: 'counter' | 'gauge'
  readonly help: string
  readonly value: (item: T) => number
}

/** Each family's header, then one sample per item; nothing without items. */
export function itemFamilies<T>(
  families: readonly ItemFamily<T>[],
  items: readonly T[],
  labelsOf: (item: T) => readonly (readonly [string, string])[],
): string {
  if (items.length === 0) return ''
  let text = ''
  for (const family of families) {
    text += familyHeader(family.name, family.type, family.help)
    for (const item of items) {
      text += `${family.name}${labelSet(labelsOf(item))} ${sampleValue(family.value(item))}\n`
    }
  }
  return text
}
