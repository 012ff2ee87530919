/*
 * Partitions that are not served yet: how long reads and topic changes wait for them, and how often they ask
 * again.
 */

/**
 * How long a read retries a partition that its broker does not serve yet, or whose leader is unknown: a topic
 * just created (or a leader just moved) takes a moment to be served everywhere, and a busy broker takes longer.
 */
export const PARTITION_SETTLING_BUDGET_MS = 2_000
/** How long creating a topic, or adding partitions, waits for the broker to serve them. */
export const PARTITION_SERVED_TIMEOUT_MS = 30_000
export const SETTLING_RETRY_FIRST_MS = 25
export const SETTLING_RETRY_MAX_MS = 400
