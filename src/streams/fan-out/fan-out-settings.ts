/** How SubscribeToShard subscriptions behave in time. */
export interface FanOutSettings {
  /** How long a subscription lasts before it ends cleanly (AWS: 5 minutes). */
  subscriptionDurationMs: number
  /** The longest a subscription stays silent: an event without records is sent after this long. */
  heartbeatIntervalMs?: number
  /** How long one upstream read of a partition waits for new records before it is issued again. */
  tailWaitMs?: number
  /** How often an open subscription renews its lease; the lease lives three times as long. */
  leaseRenewIntervalMs?: number
}

export const DEFAULT_FAN_OUT_SETTINGS: Required<FanOutSettings> = {
  subscriptionDurationMs: 300_000,
  heartbeatIntervalMs: 5_000,
  tailWaitMs: 500,
  leaseRenewIntervalMs: 5_000,
}

export function fanOutSettingsOf(settings: FanOutSettings | undefined): Required<FanOutSettings> {
  return { ...DEFAULT_FAN_OUT_SETTINGS, ...settings }
}
