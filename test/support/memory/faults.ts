// Failures the memory fakes produce on demand, to test what an interrupted operation leaves behind.

/**
 * What a planned fault does to one call: `fail` rejects it without doing anything; `hang-before` never
 * settles and does nothing (the process died before the request reached the server); `hang-after` does the
 * work but never settles (the process died after the server acted, before it heard the answer).
 */
export type FaultKind = 'fail' | 'hang-before' | 'hang-after'

export class InjectedFault extends Error {
  override name = 'InjectedFault'
}

export class Faults<Method extends string> {
  private readonly planned = new Map<Method, (FaultKind | 'none')[]>()
  private readonly always = new Set<Method>()
  /** Every call made, in order, by method name. */
  readonly calls: Method[] = []

  /** The next call of `method` (after `skip` calls that go through) meets `kind`. */
  plan(method: Method, kind: FaultKind, skip = 0): void {
    const queue = this.planned.get(method) ?? []
    queue.push(...Array.from({ length: skip }, () => 'none' as const), kind)
    this.planned.set(method, queue)
  }

  /** Every call of `method` fails until `clear`. */
  failAlways(method: Method): void {
    this.always.add(method)
  }

  clear(): void {
    this.planned.clear()
    this.always.clear()
  }

  /** Runs `work` as the planned fault says. */
  async run<T>(method: Method, work: () => T | Promise<T>): Promise<T> {
    this.calls.push(method)
    const kind = this.always.has(method) ? 'fail' : this.planned.get(method)?.shift()
    if (kind === 'fail') throw new InjectedFault(`${method} failed (injected)`)
    if (kind === 'hang-before') return never()
    const result = await work()
    if (kind === 'hang-after') return never()
    return result
  }
}

function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined)
}
