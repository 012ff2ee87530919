import { describe, expect, it } from 'vitest'

import {
  ConcurrentUpdateError,
  MAX_UPDATE_ATTEMPTS,
  requireActive,
  settled,
  updateStream,
  withStatus,
} from './stream-changes.ts'
import {
  ACCOUNT_ID,
  createActiveStream,
  fakeStreamsDeps,
  storedStream,
  streamKey,
} from '../../../test/support/streams/fake-streams-deps.ts'

describe('stream status helpers', () => {
  it('settle a finished CREATING phase to ACTIVE and drop its end time', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders', 1)
    const stored = await storedStream(deps, 'orders')
    expect(stored.status).toBe('CREATING')
    const current = settled(stored, deps.clock.now())
    expect(current.status).toBe('ACTIVE')
    expect('statusUntilMillis' in current).toBe(false)
    expect(settled(stored, deps.clock.now() - 1)).toBe(stored)
  })

  it('start a phase that ends after its duration', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders', 1)
    const stream = withStatus(await storedStream(deps, 'orders'), 'UPDATING', {
      nowMillis: 100,
      durationMs: 50,
    })
    expect(stream).toMatchObject({ status: 'UPDATING', statusUntilMillis: 150 })
    expect(() => {
      requireActive(stream, 149)
    }).toThrow(
      expect.objectContaining({
        type: 'ResourceInUseException',
        message: `Stream orders under account ${ACCOUNT_ID} not ACTIVE, instead in state UPDATING`,
      }) as unknown,
    )
    expect(() => {
      requireActive(stream, 150)
    }).not.toThrow()
  })
})

describe('updateStream', () => {
  it('bumps the version and stores the change', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders', 1)
    const stored = await updateStream(deps, streamKey('orders'), (stream) => ({
      ...stream,
      tags: { a: 'b' },
    }))
    // Version 2 is the creation's completion (its topic served).
    expect(stored).toMatchObject({ status: 'ACTIVE', tags: { a: 'b' }, version: 3 })
    expect(await storedStream(deps, 'orders')).toEqual(stored)
  })

  it('stores nothing when the change is empty', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders', 1)
    const before = await storedStream(deps, 'orders')
    const stored = await updateStream(deps, streamKey('orders'), () => undefined)
    expect(stored.version).toBe(before.version)
  })

  it('gives up after repeated conflicts', async () => {
    const deps = fakeStreamsDeps()
    await createActiveStream(deps, 'orders', 1)
    let attempts = 0
    deps.catalog.update = () => {
      attempts++
      return Promise.resolve(false)
    }
    await expect(updateStream(deps, streamKey('orders'), (stream) => stream)).rejects.toBeInstanceOf(
      ConcurrentUpdateError,
    )
    expect(attempts).toBe(MAX_UPDATE_ATTEMPTS)
  })

  it('answers ResourceNotFoundException for a missing stream', async () => {
    const deps = fakeStreamsDeps()
    await expect(updateStream(deps, streamKey('missing'), (stream) => stream)).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
    })
  })
})
