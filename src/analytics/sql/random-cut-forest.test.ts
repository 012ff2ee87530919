import { describe, expect, it } from 'vitest'

import { CutTree, Random, RandomCutForest } from './random-cut-forest.ts'

/** Standard normal values from a seeded generator (Box-Muller). */
function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(random.open())) * Math.cos(2 * Math.PI * random.next())
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number
}

describe('Random', () => {
  it('is reproducible from its seed and uniform enough', () => {
    const a = new Random(7)
    const b = new Random(7)
    const values = Array.from({ length: 10000 }, () => a.next())
    expect(values.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b.next()))
    const mean = values.reduce((s, v) => s + v, 0) / values.length
    expect(mean).toBeGreaterThan(0.48)
    expect(mean).toBeLessThan(0.52)
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true)
  })
})

describe('CutTree', () => {
  it('keeps its mass through inserts and deletes, duplicates included', () => {
    const random = new Random(1)
    const tree = new CutTree(2, 64)
    const points: Float64Array[] = []
    for (let i = 0; i < 64; i++) {
      const p = Float64Array.from([Math.floor(random.next() * 8), Math.floor(random.next() * 8)])
      points.push(p)
      tree.insert(p, random)
    }
    expect(tree.size).toBe(64)
    for (let round = 0; round < 500; round++) {
      const at = Math.floor(random.next() * points.length)
      tree.delete(points[at] as Float64Array)
      const p = Float64Array.from([Math.floor(random.next() * 8), Math.floor(random.next() * 8)])
      points[at] = p
      tree.insert(p, random)
      expect(tree.size).toBe(64)
    }
    for (const p of points) tree.delete(p)
    expect(tree.size).toBe(0)
  })

  it('scores a far point higher than a point of the sample, and its attribution sums to its score', () => {
    const random = new Random(2)
    const tree = new CutTree(2, 128)
    for (let i = 0; i < 128; i++) tree.insert(Float64Array.from([gaussian(random), gaussian(random)]), random)
    const attribution = new Float64Array(4)
    const far = tree.score(Float64Array.from([0, 30]), attribution)
    expect(far).toBeGreaterThan(tree.score(Float64Array.from([0, 0])))
    expect(attribution.reduce((s, v) => s + v, 0)).toBeCloseTo(far, 10)
    // above the sample in y: most of the score is there
    expect(attribution[3]).toBeGreaterThan(0.9 * far)
  })
})

describe('RandomCutForest', () => {
  const options = { trees: 50, sampleSize: 128, timeDecay: 100000, dimensions: 2, seed: 42 }

  it('scores 0 while it learns the first sampleSize points', () => {
    const forest = new RandomCutForest(options)
    const random = new Random(3)
    for (let i = 0; i < 128; i++) {
      const p = Float64Array.from([gaussian(random), gaussian(random)])
      expect(forest.score(p)).toBe(0)
      forest.update(p)
    }
    expect(forest.score(Float64Array.from([0, 0]))).toBeGreaterThan(0)
  })

  it('gives outliers of a Gaussian cluster scores far above the normal points', () => {
    const forest = new RandomCutForest(options)
    const random = new Random(4)
    const normal: number[] = []
    const outliers: number[] = []
    for (let i = 0; i < 2000; i++) {
      const outlier = i > 500 && i % 100 === 0
      const angle = random.next() * 2 * Math.PI
      const p = outlier
        ? Float64Array.from([6 * Math.cos(angle), 6 * Math.sin(angle)])
        : Float64Array.from([gaussian(random), gaussian(random)])
      const score = forest.score(p)
      forest.update(p)
      if (i < 300) continue
      ;(outlier ? outliers : normal).push(score)
    }
    const mean = normal.reduce((s, v) => s + v, 0) / normal.length
    expect(mean).toBeGreaterThan(0.5)
    expect(mean).toBeLessThan(1.5)
    const p99 = quantile(normal, 0.99)
    expect(Math.min(...outliers)).toBeGreaterThan(p99)
  })

  it('keeps at most sampleSize points per tree, and forgets old points by timeDecay', () => {
    const forest = new RandomCutForest({ ...options, trees: 20, sampleSize: 32, timeDecay: 200 })
    const random = new Random(6)
    for (let i = 0; i < 3000; i++) forest.update(Float64Array.from([gaussian(random), gaussian(random)]))
    const before = forest.score(Float64Array.from([50, 50]))
    for (let i = 0; i < 3000; i++)
      forest.update(Float64Array.from([50 + gaussian(random), 50 + gaussian(random)]))
    const state = forest.snapshot()
    expect(state.trees.every((t) => t.points.length === 32)).toBe(true)
    expect(state.points.length).toBeLessThanOrEqual(20 * 32)
    // the new cluster is now the normal one, the old one is forgotten
    expect(forest.score(Float64Array.from([50, 50]))).toBeLessThan(before / 2)
    expect(forest.score(Float64Array.from([0, 0]))).toBeGreaterThan(
      forest.score(Float64Array.from([50, 50])) * 2,
    )
  })

  it('restores a snapshot into the same sample, scoring alike', () => {
    const forest = new RandomCutForest(options)
    const random = new Random(5)
    for (let i = 0; i < 600; i++) forest.update(Float64Array.from([gaussian(random), gaussian(random)]))
    const state = JSON.parse(JSON.stringify(forest.snapshot())) as ReturnType<RandomCutForest['snapshot']>
    const restored = new RandomCutForest(options)
    restored.restore(state)
    expect(restored.snapshot()).toEqual(forest.snapshot())
    const far = Float64Array.from([8, 8])
    const near = Float64Array.from([0.1, -0.2])
    expect(restored.score(far)).toBeGreaterThan(2 * restored.score(near))
    expect(Math.abs(restored.score(far) - forest.score(far))).toBeLessThan(0.25 * forest.score(far))
  })
})
