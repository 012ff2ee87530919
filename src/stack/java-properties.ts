/** A Java .properties file: one key=value per line, backslashes and line breaks in values escaped. */
export function renderJavaProperties(properties: Readonly<Record<string, string | number>>): string {
  return Object.entries(properties)
    .map(([key, value]) => `${key}=${escapeValue(String(value))}\n`)
    .join('')
}

function escapeValue(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('\r', '\\r')
}
