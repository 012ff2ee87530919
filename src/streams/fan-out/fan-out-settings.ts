import type { FanOutSettings } from '../deps.ts'

export const DEFAULT_FAN_OUT_SETTINGS: Required<FanOutSettings> = {
  subscriptionDurationMs: 300_000,
  heartbeatIntervalMs: 5_000,
  tailWaitMs: 500,
  leaseRenewIntervalMs: 5_000,
}

export function fanOutSettingsOf(settings: FanOutSettings | undefined): Required<FanOutSettings> {
  return { ...DEFAULT_FAN_OUT_SETTINGS, ...settings }
}
