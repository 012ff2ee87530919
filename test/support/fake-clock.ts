import type { Clock } from '../../src/ports/clock.ts'

/** A clock the test moves by hand; sleepers wake when `advance` reaches their time. */
export class FakeClock implements Clock {
  private timers: { dueAt: number; wake: () => void }[] = []

  constructor(private millis = Date.UTC(2026, 0, 15, 12)) {}

  now(): number {
    return this.millis
  }

  /** Moves time on and wakes the sleepers whose time has come. */
  advance(millis: number): void {
    this.millis += millis
    const due = this.timers.filter((timer) => timer.dueAt <= this.millis)
    this.timers = this.timers.filter((timer) => timer.dueAt > this.millis)
    for (const timer of due) timer.wake()
  }

  /** Resolves once `advance` has moved the clock `millis` on. */
  sleep(millis: number): Promise<void> {
    return new Promise((resolve) => {
      this.timers.push({ dueAt: this.millis + millis, wake: resolve })
    })
  }
}
