/**
 * A robust random cut forest for streams (Guha, Mishra, Roy, Schrijvers: "Robust Random Cut Forest Based Anomaly
 * Detection on Streams", ICML 2016): each tree is a random cut tree over a time-decayed reservoir sample of the
 * points seen. A point's score is the expected depth-based isolation score of inserting it into each tree
 * (1/(d+1) when a random cut would separate it at depth d), averaged over the trees and scaled by log2(1 + sample
 * size): about 1 for points like the sample, higher for points far from it.
 *
 * Per point: O(trees * depth * dimensions) with depth ~ log(sampleSize) for ordinary data; state is trees *
 * sampleSize points. Randomness comes from a seeded generator, so runs are reproducible.
 */

/** mulberry32: a small seeded generator whose whole state is one 32-bit number. */
export class Random {
  constructor(public state: number) {}

  /** a uniform 32-bit unsigned integer */
  nextUint(): number {
    this.state = (this.state + 0x6d2b79f5) | 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }

  /** uniform in [0, 1) */
  next(): number {
    return this.nextUint() / 4294967296
  }

  /** uniform in (0, 1), never 0 nor 1 */
  open(): number {
    return (this.nextUint() + 0.5) / 4294967296
  }
}

/**
 * One random cut tree over at most `capacity` distinct points (equal points share a leaf and count in its mass).
 * Nodes live in typed arrays; a leaf's box is its point.
 */
export class CutTree {
  private readonly left: Int32Array
  private readonly right: Int32Array
  private readonly parent: Int32Array
  /** -1 for a leaf */
  private readonly cutDim: Int32Array
  private readonly cutValue: Float64Array
  private readonly mass: Int32Array
  private readonly low: Float64Array
  private readonly high: Float64Array
  private readonly free: number[] = []
  private readonly path: Int32Array
  private root = -1

  constructor(
    private readonly dims: number,
    capacity: number,
  ) {
    const nodes = 2 * capacity + 1
    this.left = new Int32Array(nodes)
    this.right = new Int32Array(nodes)
    this.parent = new Int32Array(nodes)
    this.cutDim = new Int32Array(nodes)
    this.cutValue = new Float64Array(nodes)
    this.mass = new Int32Array(nodes)
    this.low = new Float64Array(nodes * dims)
    this.high = new Float64Array(nodes * dims)
    this.path = new Int32Array(nodes + 1)
    for (let n = nodes - 1; n >= 0; n--) this.free.push(n)
  }

  get size(): number {
    return this.root < 0 ? 0 : (this.mass[this.root] as number)
  }

  insert(point: Float64Array, random: Random): void {
    if (this.root < 0) {
      this.root = this.leaf(point, -1)
      return
    }
    const dims = this.dims
    let node = this.root
    for (;;) {
      const base = node * dims
      let total = 0
      for (let i = 0; i < dims; i++) {
        const p = point[i] as number
        total += Math.max(this.high[base + i] as number, p) - Math.min(this.low[base + i] as number, p)
      }
      if (total === 0) {
        // only a leaf holding this very point has an empty box containing it
        this.mass[node] = (this.mass[node] as number) + 1
        return
      }
      let r = random.next() * total
      let dim = -1
      let cut = 0
      for (let i = 0; i < dims; i++) {
        const p = point[i] as number
        const lo = Math.min(this.low[base + i] as number, p)
        const range = Math.max(this.high[base + i] as number, p) - lo
        if (range <= 0) continue
        dim = i
        cut = lo + Math.min(r, range / 2)
        if (r < range) {
          cut = lo + r
          break
        }
        r -= range
      }
      const p = point[dim] as number
      let separates =
        p < (this.low[base + dim] as number)
          ? cut < (this.low[base + dim] as number)
          : p > (this.high[base + dim] as number) && cut >= (this.high[base + dim] as number)
      if (!separates && this.cutDim[node] === -1) {
        // rounding put the cut on the leaf's own coordinate: cut half way instead
        dim = this.firstDifference(node, point)
        cut = Math.min(point[dim] as number, this.low[base + dim] as number)
        separates = true
      }
      if (separates) {
        this.split(node, point, dim, cut)
        return
      }
      this.extend(node, point)
      this.mass[node] = (this.mass[node] as number) + 1
      node =
        (point[this.cutDim[node] as number] as number) <= (this.cutValue[node] as number)
          ? (this.left[node] as number)
          : (this.right[node] as number)
    }
  }

  /** Removes one copy of a point inserted before. */
  delete(point: Float64Array): void {
    let node = this.root
    if (node < 0) return
    while (this.cutDim[node] !== -1) node = this.child(node, point)
    if ((this.mass[node] as number) > 1) {
      for (let n = node; n >= 0; n = this.parent[n] as number) this.mass[n] = (this.mass[n] as number) - 1
      return
    }
    const up = this.parent[node] as number
    this.release(node)
    if (up < 0) {
      this.root = -1
      return
    }
    const sibling = (this.left[up] === node ? this.right[up] : this.left[up]) as number
    const grand = this.parent[up] as number
    this.parent[sibling] = grand
    if (grand < 0) this.root = sibling
    else if (this.left[grand] === up) this.left[grand] = sibling
    else this.right[grand] = sibling
    this.release(up)
    for (let n = grand; n >= 0; n = this.parent[n] as number) {
      this.mass[n] = (this.mass[n] as number) - 1
      this.refit(n)
    }
  }

  /**
   * The expected isolation score of a point not (necessarily) in the tree: descending the cuts to a leaf, then,
   * from the leaf up, the chance that a random cut of the node's box grown to the point separates the point
   * there. With `attribution` (2 * dims values: how much of the score each dimension explains, below the box
   * then above it), the score's parts are added to it.
   */
  score(point: Float64Array, attribution?: Float64Array): number {
    if (this.root < 0) return 0
    const dims = this.dims
    const path = this.path
    const cutDim = this.cutDim
    const cutValue = this.cutValue
    let depth = 0
    let node = this.root
    path[0] = node
    for (let dim = cutDim[node] as number; dim !== -1; dim = cutDim[node] as number) {
      node =
        (point[dim] as number) <= (cutValue[node] as number)
          ? (this.left[node] as number)
          : (this.right[node] as number)
      path[++depth] = node
    }
    const parts = attribution === undefined ? undefined : new Float64Array(2 * dims)
    let value: number
    let distance = 0
    for (let i = 0; i < dims; i++)
      distance += Math.abs((point[i] as number) - (this.low[node * dims + i] as number))
    if (distance === 0) {
      value = 1 / (depth + 1 + Math.log2(1 + (this.mass[node] as number)))
      if (parts !== undefined) parts.fill(value / (2 * dims))
    } else {
      value = 1 / (depth + 1)
      if (parts !== undefined) {
        for (let i = 0; i < dims; i++) {
          const delta = (point[i] as number) - (this.low[node * dims + i] as number)
          parts[delta < 0 ? i : dims + i] = (Math.abs(delta) / distance) * value
        }
      }
    }
    const low = this.low
    const high = this.high
    for (let d = depth - 1; d >= 0; d--) {
      const base = (path[d] as number) * dims
      let outside = 0
      for (let i = 0; i < dims; i++) {
        const p = point[i] as number
        const lo = low[base + i] as number
        if (p < lo) outside += lo - p
        else {
          const hi = high[base + i] as number
          if (p > hi) outside += p - hi
        }
      }
      // most ancestors' boxes hold the point: no cut there can separate it
      if (outside === 0) continue
      let total = outside
      for (let i = 0; i < dims; i++) total += (high[base + i] as number) - (low[base + i] as number)
      const chance = outside / total
      const isolated = 1 / (d + 1)
      value = chance * isolated + (1 - chance) * value
      if (parts !== undefined) {
        for (let i = 0; i < dims; i++) {
          const p = point[i] as number
          const lo = low[base + i] as number
          const hi = high[base + i] as number
          parts[i] = (1 - chance) * (parts[i] as number) + (p < lo ? ((lo - p) / total) * isolated : 0)
          parts[dims + i] =
            (1 - chance) * (parts[dims + i] as number) + (p > hi ? ((p - hi) / total) * isolated : 0)
        }
      }
    }
    if (attribution !== undefined && parts !== undefined) {
      for (let j = 0; j < parts.length; j++)
        attribution[j] = (attribution[j] as number) + (parts[j] as number)
    }
    return value
  }

  private child(node: number, point: Float64Array): number {
    return (point[this.cutDim[node] as number] as number) <= (this.cutValue[node] as number)
      ? (this.left[node] as number)
      : (this.right[node] as number)
  }

  private leaf(point: Float64Array, up: number): number {
    const node = this.allocate()
    this.cutDim[node] = -1
    this.mass[node] = 1
    this.parent[node] = up
    this.low.set(point, node * this.dims)
    this.high.set(point, node * this.dims)
    return node
  }

  /** Puts a new node cutting `dim` at `cut` in the place of `node`, with the point's new leaf on its side. */
  private split(node: number, point: Float64Array, dim: number, cut: number): void {
    const dims = this.dims
    const up = this.parent[node] as number
    const inner = this.allocate()
    const leaf = this.leaf(point, inner)
    this.cutDim[inner] = dim
    this.cutValue[inner] = cut
    this.mass[inner] = (this.mass[node] as number) + 1
    this.parent[inner] = up
    this.low.copyWithin(inner * dims, node * dims, node * dims + dims)
    this.high.copyWithin(inner * dims, node * dims, node * dims + dims)
    this.extend(inner, point)
    if ((point[dim] as number) <= cut) {
      this.left[inner] = leaf
      this.right[inner] = node
    } else {
      this.left[inner] = node
      this.right[inner] = leaf
    }
    this.parent[node] = inner
    if (up < 0) this.root = inner
    else if (this.left[up] === node) this.left[up] = inner
    else this.right[up] = inner
  }

  private extend(node: number, point: Float64Array): void {
    const base = node * this.dims
    for (let i = 0; i < this.dims; i++) {
      const p = point[i] as number
      if (p < (this.low[base + i] as number)) this.low[base + i] = p
      if (p > (this.high[base + i] as number)) this.high[base + i] = p
    }
  }

  /** An inner node's box from its children's. */
  private refit(node: number): void {
    const dims = this.dims
    const base = node * dims
    const a = (this.left[node] as number) * dims
    const b = (this.right[node] as number) * dims
    for (let i = 0; i < dims; i++) {
      this.low[base + i] = Math.min(this.low[a + i] as number, this.low[b + i] as number)
      this.high[base + i] = Math.max(this.high[a + i] as number, this.high[b + i] as number)
    }
  }

  private firstDifference(node: number, point: Float64Array): number {
    for (let i = 0; i < this.dims; i++) if (point[i] !== this.low[node * this.dims + i]) return i
    return 0
  }

  private allocate(): number {
    const node = this.free.pop()
    if (node === undefined) throw new Error('random cut tree is full')
    return node
  }

  private release(node: number): void {
    this.free.push(node)
  }
}

/**
 * A time-decayed reservoir: keeps the `capacity` points of smallest key log(E) - t / timeDecay (E exponential), so
 * a point's chance to stay decays exponentially with its age in points.
 */
class Reservoir {
  readonly keys: number[] = []
  readonly points: Float64Array[] = []

  constructor(private readonly capacity: number) {}

  get full(): boolean {
    return this.keys.length >= this.capacity
  }

  /** Adds the point if its key makes the cut; returns the point it pushed out, if any. */
  offer(key: number, point: Float64Array): { accepted: boolean; evicted?: Float64Array } {
    if (!this.full) {
      this.keys.push(key)
      this.points.push(point)
      this.siftUp(this.keys.length - 1)
      return { accepted: true }
    }
    if (key >= (this.keys[0] as number)) return { accepted: false }
    const evicted = this.points[0] as Float64Array
    this.keys[0] = key
    this.points[0] = point
    this.siftDown(0)
    return { accepted: true, evicted }
  }

  private siftUp(at: number): void {
    let i = at
    while (i > 0) {
      const up = (i - 1) >> 1
      if ((this.keys[up] as number) >= (this.keys[i] as number)) return
      this.swap(i, up)
      i = up
    }
  }

  private siftDown(at: number): void {
    const n = this.keys.length
    let i = at
    for (;;) {
      const a = 2 * i + 1
      const b = a + 1
      let top = i
      if (a < n && (this.keys[a] as number) > (this.keys[top] as number)) top = a
      if (b < n && (this.keys[b] as number) > (this.keys[top] as number)) top = b
      if (top === i) return
      this.swap(i, top)
      i = top
    }
  }

  private swap(i: number, j: number): void {
    const key = this.keys[i] as number
    this.keys[i] = this.keys[j] as number
    this.keys[j] = key
    const point = this.points[i] as Float64Array
    this.points[i] = this.points[j] as Float64Array
    this.points[j] = point
  }
}

export interface ForestOptions {
  readonly trees: number
  readonly sampleSize: number
  readonly timeDecay: number
  readonly dimensions: number
  readonly seed: number
}

/** What a forest saves: the points of every tree's sample (as indexes into `points`) and their keys. */
export interface ForestState {
  readonly seen: number
  readonly random: number
  readonly points: number[][]
  readonly trees: { readonly keys: number[]; readonly points: number[] }[]
}

export class RandomCutForest {
  private readonly trees: CutTree[] = []
  private readonly samples: Reservoir[] = []
  private readonly random: Random
  private seen = 0

  constructor(private readonly options: ForestOptions) {
    this.random = new Random(options.seed)
    this.reset()
  }

  /** Until every tree has a full sample (the first sampleSize points), scores are 0. */
  get ready(): boolean {
    return this.seen >= this.options.sampleSize
  }

  /** The point's anomaly score against the points seen so far (0 while learning). */
  score(point: Float64Array): number {
    if (!this.ready) return 0
    let sum = 0
    for (const tree of this.trees) sum += tree.score(point)
    return (sum / this.trees.length) * this.scale()
  }

  /** The score and its parts: per dimension, below the sample (0..dims-1) and above it (dims..2*dims-1). */
  explain(point: Float64Array): { score: number; attribution: Float64Array } {
    const attribution = new Float64Array(2 * this.options.dimensions)
    if (!this.ready) return { score: 0, attribution }
    let sum = 0
    for (const tree of this.trees) sum += tree.score(point, attribution)
    const factor = this.scale() / this.trees.length
    for (let j = 0; j < attribution.length; j++) attribution[j] = (attribution[j] as number) * factor
    return { score: sum * factor, attribution }
  }

  /** Offers the point to every tree's sample. */
  update(point: Float64Array): void {
    const t = this.seen++
    this.trees.forEach((tree, i) => {
      const key = Math.log(-Math.log(this.random.open())) - t / this.options.timeDecay
      const { accepted, evicted } = (this.samples[i] as Reservoir).offer(key, point)
      if (evicted !== undefined) tree.delete(evicted)
      if (accepted) tree.insert(point, this.random)
    })
  }

  snapshot(): ForestState {
    const index = new Map<Float64Array, number>()
    const points: number[][] = []
    const trees = this.samples.map((sample) => ({
      keys: [...sample.keys],
      points: sample.points.map((p) => {
        let i = index.get(p)
        if (i === undefined) {
          i = points.length
          index.set(p, i)
          points.push(Array.from(p))
        }
        return i
      }),
    }))
    return { seen: this.seen, random: this.random.state, points, trees }
  }

  /** Rebuilds the trees from the saved samples: the same model in distribution, with fresh random cuts. */
  restore(state: ForestState): void {
    this.reset()
    this.seen = state.seen
    this.random.state = state.random
    const cuts = new Random(state.random ^ 0x5bd1e995)
    const points = state.points.map((p) => Float64Array.from(p))
    state.trees.forEach((saved, i) => {
      const sample = this.samples[i]
      const tree = this.trees[i]
      if (sample === undefined || tree === undefined) return
      saved.keys.forEach((key, j) => {
        const point = points[saved.points[j] as number]
        if (point === undefined) return
        sample.offer(key, point)
        tree.insert(point, cuts)
      })
    })
  }

  private reset(): void {
    this.trees.length = 0
    this.samples.length = 0
    for (let i = 0; i < this.options.trees; i++) {
      this.trees.push(new CutTree(this.options.dimensions, this.options.sampleSize))
      this.samples.push(new Reservoir(this.options.sampleSize))
    }
    this.seen = 0
  }

  private scale(): number {
    return Math.log2(1 + this.options.sampleSize)
  }
}
