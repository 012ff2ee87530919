// Formats of the names that ARNs and Kafka topic names are built from. The gateway validates requests
// against these before mapping them; the mapping modules check them again so that a malformed name can
// never produce an ambiguous ARN or topic.

/** A 12-digit AWS account id, e.g. `123456789012`. */
export function isAccountId(text: string): boolean {
  return /^\d{12}$/.test(text)
}

/**
 * A region name such as `us-east-1` or `cn-north-1`. Lowercase letters, digits and hyphens only (never
 * '.' or '_', which topic names use as separators), at most 32 characters.
 */
export function isRegionName(text: string): boolean {
  return /^[a-z0-9-]{1,32}$/.test(text)
}

/** A Kinesis stream name: `[a-zA-Z0-9_.-]{1,128}`. */
export function isStreamName(text: string): boolean {
  return /^[a-zA-Z0-9_.-]{1,128}$/.test(text)
}

/** A stream consumer name (enhanced fan-out): `[a-zA-Z0-9_.-]{1,128}`. */
export function isConsumerName(text: string): boolean {
  return /^[a-zA-Z0-9_.-]{1,128}$/.test(text)
}
