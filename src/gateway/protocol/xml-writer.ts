/**
 * Writes AWS query responses. Outputs are written without a shape: objects become elements named by their
 * members (in member order, null and undefined omitted), arrays `<member>` items, Dates ISO 8601 text,
 * Uint8Arrays base64, numbers and booleans as JSON writes them; text is XML-escaped.
 */
export function queryResponseXml(
  operation: string,
  xmlNamespace: string,
  requestId: string,
  output: unknown,
): string {
  const parts: string[] = [`<${operation}Response xmlns="${escapeXml(xmlNamespace)}">`]
  // An operation without output (PutMetricData) has no Result element.
  if (output !== undefined && output !== null) writeElement(parts, `${operation}Result`, output)
  parts.push(
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata>`,
    `</${operation}Response>`,
  )
  return parts.join('')
}

/** `<ErrorResponse>` as the query APIs send it: Sender for client errors (4xx), Receiver for the others. */
export function queryErrorXml(
  error: { readonly code: string; readonly message: string; readonly status: number },
  requestId: string,
  xmlNamespace: string | undefined,
): string {
  const namespace = xmlNamespace === undefined ? '' : ` xmlns="${escapeXml(xmlNamespace)}"`
  const type = error.status < 500 ? 'Sender' : 'Receiver'
  return (
    `<ErrorResponse${namespace}><Error><Type>${type}</Type><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message></Error>` +
    `<RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  )
}

/** A value's XML content alone, without an enclosing element. */
export function xmlContent(value: unknown): string {
  const parts: string[] = []
  writeContent(parts, value)
  return parts.join('')
}

function writeElement(parts: string[], name: string, value: unknown): void {
  if (value === undefined || value === null) return
  parts.push(`<${name}>`)
  writeContent(parts, value)
  parts.push(`</${name}>`)
}

function writeContent(parts: string[], value: unknown): void {
  if (typeof value === 'string') parts.push(escapeXml(value))
  else if (typeof value === 'number' || typeof value === 'bigint') parts.push(numberText(value))
  else if (typeof value === 'boolean') parts.push(value ? 'true' : 'false')
  else if (value instanceof Date) parts.push(value.toISOString())
  else if (value instanceof Uint8Array)
    parts.push(Buffer.from(value.buffer, value.byteOffset, value.length).toString('base64'))
  else if (Array.isArray(value)) for (const item of value) writeElement(parts, 'member', item ?? '')
  else if (typeof value === 'object' && value !== null)
    for (const [name, member] of Object.entries(value)) writeElement(parts, name, member)
}

function numberText(value: number | bigint): string {
  if (typeof value === 'bigint') return value.toString()
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return 'Infinity'
  if (value === -Infinity) return '-Infinity'
  return String(value)
}

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#xD;',
  '\n': '&#xA;',
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r\n]/g, (character) => XML_ESCAPES[character] ?? character)
}
