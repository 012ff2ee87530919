import type { Redis } from 'ioredis'

import { decodeCatalogChange, type CatalogChange } from './catalog-change.ts'

export interface CatalogChangeListener {
  /** Another write happened (on any replica, this one included). */
  onChange(change: CatalogChange): void
  /** Changes may have been missed: the subscription was lost, or a message could not be read. */
  onGap(): void
}

/**
 * The change notices of every replica, received on a connection of their own (a subscribed Redis
 * connection can run no other command). Once started, it stays subscribed: after every reconnection it
 * subscribes again. It is live only between a confirmed SUBSCRIBE and the next disconnection; notices
 * published outside that window are lost, so whatever was cached meanwhile cannot be trusted.
 */
export class CatalogChangeFeed {
  private started = false
  private closed = false
  private live = false
  private subscribing: Promise<void> | undefined

  constructor(
    private readonly connection: Redis,
    private readonly channel: string,
    private readonly listener: CatalogChangeListener,
  ) {
    connection.on('message', (messageChannel: string, message: string) => {
      if (messageChannel !== channel) return
      const change = decodeCatalogChange(message)
      if (change === undefined) listener.onGap()
      else listener.onChange(change)
    })
    connection.on('ready', () => {
      if (this.started && !this.closed) void this.subscribe()
    })
    connection.on('close', () => {
      if (!this.live) return
      this.live = false
      listener.onGap()
    })
    // Failures reach callers through their commands; without a listener ioredis would print every one.
    connection.on('error', () => undefined)
  }

  isLive(): boolean {
    return this.live
  }

  /**
   * Subscribes on first use, and again if an earlier attempt failed while the connection stayed up.
   * Resolves when the attempt in progress, if any, has succeeded or failed; while the connection is down
   * there is none (the next reconnection brings one), so this does not wait for Redis to come back.
   */
  ensureSubscribed(): Promise<void> {
    if (this.closed || this.live) return Promise.resolve()
    const firstUse = !this.started
    this.started = true
    if (firstUse || this.connection.status === 'ready') void this.subscribe()
    return this.subscribing ?? Promise.resolve()
  }

  async close(): Promise<void> {
    this.closed = true
    this.live = false
    if (this.connection.status !== 'ready') {
      this.connection.disconnect()
      return
    }
    try {
      await this.connection.unsubscribe(this.channel)
      await this.connection.quit()
    } catch {
      this.connection.disconnect()
    }
  }

  /** One attempt at a time; a second caller waits for the first. */
  private subscribe(): Promise<void> {
    this.subscribing ??= this.connection.subscribe(this.channel).then(
      () => {
        this.subscribing = undefined
        this.live = !this.closed && this.connection.status === 'ready'
      },
      () => {
        this.subscribing = undefined
      },
    )
    return this.subscribing
  }
}

/**
 * The connection a feed receives on: a duplicate of the command connection, named after it with `suffix`.
 * The feed subscribes again itself after a reconnection, and knows when that has succeeded.
 */
export function changeSubscriberFor(redis: Redis, suffix: string): Redis {
  const { connectionName } = redis.options
  return redis.duplicate({
    autoResubscribe: false,
    ...(connectionName === undefined ? {} : { connectionName: `${connectionName}-${suffix}` }),
  })
}
