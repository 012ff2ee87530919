import { describe, expect, it } from 'vitest'

import { OffsetProgress } from './offset-progress.ts'

describe('OffsetProgress', () => {
  it('commits a partition only up to the last unit with every unit before it done, whatever the order', () => {
    const progress = new OffsetProgress()
    progress.assign([0, 1])
    const units = [progress.open(0, 0, 10, 1), progress.open(0, 10, 20, 2), progress.open(0, 20, 25, 3)]
    for (const unit of units) {
      if (unit === undefined) throw new Error('partition 0 is assigned')
      progress.hold(unit)
      progress.seal(unit)
    }
    const [first, second, third] = units as [
      NonNullable<(typeof units)[0]>,
      NonNullable<(typeof units)[0]>,
      NonNullable<(typeof units)[0]>,
    ]
    expect(progress.oldestUndelivered()).toBe(1)

    progress.release(second)
    expect(progress.commitPoints()).toEqual([])
    progress.release(first)
    expect(progress.commitPoints()).toEqual([{ partition: 0, offset: 20 }])
    progress.committed([{ partition: 0, offset: 20 }])
    expect(progress.commitPoints()).toEqual([])
    expect(progress.oldestUndelivered()).toBe(3)

    progress.release(third)
    expect(progress.commitPoints()).toEqual([{ partition: 0, offset: 25 }])
  })

  it('waits for every hold of a unit, and for the unit to be sealed', () => {
    const progress = new OffsetProgress()
    progress.assign([0])
    const unit = progress.open(0, 5, 8, 1)
    if (unit === undefined) throw new Error('partition 0 is assigned')
    progress.hold(unit)
    progress.hold(unit)
    progress.release(unit)
    progress.release(unit)
    expect(progress.commitPoints()).toEqual([])
    progress.seal(unit)
    expect(progress.commitPoints()).toEqual([{ partition: 0, offset: 8 }])
  })

  it('forgets units of an earlier assignment: their records are read again', () => {
    const progress = new OffsetProgress()
    progress.assign([0, 1])
    const old = progress.open(1, 0, 4, 1)
    if (old === undefined) throw new Error('partition 1 is assigned')
    progress.hold(old)
    progress.seal(old)
    progress.assign([0])
    expect(progress.isCurrent(old)).toBe(false)
    expect(progress.open(1, 4, 6, 1)).toBeUndefined()
    progress.release(old)
    expect(progress.commitPoints()).toEqual([])
  })
})
