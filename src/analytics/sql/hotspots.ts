/**
 * Hotspots: dense regions among the last `windowSize` points, found as DBSCAN finds clusters. A point with at least
 * `minPoints` points (itself included) within `radius` is a core point; core points within `radius` of each other
 * form one hotspot, with the points within `radius` of its core points.
 *
 * A grid of cells of side `radius` over the first three dimensions finds a point's neighbours among the points of
 * the 3^k cells around it. Neighbour counts are kept as points enter and leave the window; the hotspots are grown
 * from the core points, each point taken out of its cell's pending list once it joins, so a dense window costs
 * about one pass over it rather than one per neighbour pair.
 */

export interface Hotspot {
  /** points in the hotspot divided by the volume of its bounding box (each side at least `radius`) */
  readonly density: number
  readonly minValues: number[]
  readonly maxValues: number[]
}

interface Entry {
  readonly point: number[]
  readonly cell: string
  /** the keys of the cells around this point's, its own included */
  readonly around: string[]
  /** points within the radius, this one included */
  neighbours: number
}

const GRID_DIMENSIONS = 3

export class HotspotWindow {
  /** the window, oldest first */
  private readonly entries: Entry[] = []
  private readonly cells = new Map<string, Entry[]>()

  constructor(
    private readonly windowSize: number,
    private readonly radius: number,
    private readonly minPoints: number,
  ) {}

  /** Adds a point, dropping the oldest once the window is full. */
  add(point: readonly number[]): void {
    if (this.entries.length >= this.windowSize) this.removeOldest()
    const coordinates = point.slice(0, GRID_DIMENSIONS).map((v) => Math.floor(v / this.radius))
    const entry: Entry = {
      point: [...point],
      cell: coordinates.join(','),
      around: adjacentCells(coordinates),
      neighbours: 1,
    }
    for (const other of this.near(entry)) {
      other.neighbours++
      entry.neighbours++
    }
    this.entries.push(entry)
    const cell = this.cells.get(entry.cell)
    if (cell === undefined) this.cells.set(entry.cell, [entry])
    else cell.push(entry)
  }

  /** The hotspots of the window, densest first. */
  hotspots(): Hotspot[] {
    const pending = new Map<string, Entry[]>()
    for (const [key, cell] of this.cells) pending.set(key, [...cell])
    const joined = new Set<Entry>()
    const found: Hotspot[] = []
    for (const start of this.entries) {
      if (joined.has(start) || start.neighbours < this.minPoints) continue
      const minValues = [...start.point]
      const maxValues = [...start.point]
      let count = 0
      joined.add(start)
      const queue = [start]
      while (queue.length > 0) {
        const entry = queue.pop() as Entry
        count++
        entry.point.forEach((v, i) => {
          if (v < (minValues[i] as number)) minValues[i] = v
          if (v > (maxValues[i] as number)) maxValues[i] = v
        })
        if (entry.neighbours < this.minPoints) continue
        for (const key of entry.around) {
          const cell = pending.get(key)
          if (cell === undefined) continue
          let kept = 0
          for (const other of cell) {
            if (!joined.has(other) && this.distance(other.point, entry.point) <= this.radius) {
              joined.add(other)
              queue.push(other)
            } else if (!joined.has(other)) cell[kept++] = other
          }
          cell.length = kept
        }
      }
      let volume = 1
      minValues.forEach((min, i) => (volume *= Math.max((maxValues[i] as number) - min, this.radius)))
      found.push({ density: count / volume, minValues, maxValues })
    }
    return found.sort((a, b) => b.density - a.density)
  }

  /** The window's points, oldest first (what a snapshot keeps). */
  points(): number[][] {
    return this.entries.map((e) => e.point)
  }

  private removeOldest(): void {
    const entry = this.entries.shift()
    if (entry === undefined) return
    const cell = this.cells.get(entry.cell) ?? []
    cell.splice(cell.indexOf(entry), 1)
    if (cell.length === 0) this.cells.delete(entry.cell)
    for (const other of this.near(entry)) other.neighbours--
  }

  /** The other points of the window within the radius of an entry. */
  private near(entry: Entry): Entry[] {
    const out: Entry[] = []
    for (const key of entry.around) {
      for (const other of this.cells.get(key) ?? []) {
        if (other !== entry && this.distance(other.point, entry.point) <= this.radius) out.push(other)
      }
    }
    return out
  }

  private distance(a: readonly number[], b: readonly number[]): number {
    let sum = 0
    for (let i = 0; i < a.length; i++) {
      const d = (a[i] as number) - (b[i] as number)
      sum += d * d
    }
    return Math.sqrt(sum)
  }
}

/** The keys of the cells around (and including) a cell: 3^k of them for k grid dimensions. */
function adjacentCells(coordinates: readonly number[]): string[] {
  let keys: number[][] = [[]]
  for (const c of coordinates) keys = keys.flatMap((prefix) => [c - 1, c, c + 1].map((v) => [...prefix, v]))
  return keys.map((k) => k.join(','))
}
