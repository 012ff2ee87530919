import { describe, expect, it } from 'vitest'

import { HotspotWindow } from './hotspots.ts'

describe('HotspotWindow', () => {
  it('joins core points within the radius into one hotspot, with the border points they reach', () => {
    const window = new HotspotWindow(100, 1, 3)
    // a chain of core points 0.8 apart, a border point at its end, and a lone point far away
    for (const x of [0, 0.8, 1.6, 2.4]) {
      window.add([x, 0])
      window.add([x, 0.1])
    }
    window.add([3.3, 0.5])
    window.add([10, 10])
    expect(window.hotspots()).toEqual([{ density: 9 / 3.3, minValues: [0, 0], maxValues: [3.3, 0.5] }])
  })

  it('finds nothing when no point has enough neighbours', () => {
    const window = new HotspotWindow(100, 0.5, 3)
    for (let i = 0; i < 20; i++) window.add([i, i])
    expect(window.hotspots()).toEqual([])
  })

  it('treats a window whose points are all within the radius as one hotspot', () => {
    const window = new HotspotWindow(1000, 100, 5)
    for (let i = 0; i < 1500; i++) window.add([i % 10, (i * 7) % 10, i % 3])
    const [hotspot, ...others] = window.hotspots()
    expect(others).toEqual([])
    expect(hotspot).toEqual({ density: 1000 / (100 * 100 * 100), minValues: [0, 0, 0], maxValues: [9, 9, 2] })
  })

  it('forgets the points that left the window', () => {
    const window = new HotspotWindow(100, 1, 5)
    for (let i = 0; i < 100; i++) window.add([0, 0])
    for (let i = 0; i < 100; i++) window.add([50 + (i % 2), 50])
    expect(window.hotspots()).toEqual([{ density: 100, minValues: [50, 50], maxValues: [51, 50] }])
    expect(window.points()).toHaveLength(100)
  })
})
