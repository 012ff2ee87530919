/**
 * Hotspots: dense regions among the last `windowSize` points, found as DBSCAN finds clusters. A point with at least
 * `minPoints` points (itself included) within `radius` is a core point; core points within `radius` of each other
 * form one hotspot, with the points within `radius` of its core points. Neighbour lists are kept as points enter
 * and leave the window (a grid of cells of side `radius` over the first three dimensions finds them), so a new
 * point costs one neighbourhood search plus a walk over the core points' links.
 */

export interface Hotspot {
  /** points in the hotspot divided by the volume of its bounding box (each side at least `radius`) */
  readonly density: number
  readonly minValues: number[]
  readonly maxValues: number[]
}

interface Entry {
  readonly id: number
  readonly point: number[]
  readonly cell: string
  readonly neighbours: Set<number>
}

const GRID_DIMENSIONS = 3

export class HotspotWindow {
  private readonly entries = new Map<number, Entry>()
  private readonly order: number[] = []
  private readonly cells = new Map<string, Set<number>>()
  private nextId = 0

  constructor(
    private readonly windowSize: number,
    private readonly radius: number,
    private readonly minPoints: number,
  ) {}

  /** Adds a point, dropping the oldest once the window is full. */
  add(point: readonly number[]): void {
    if (this.order.length >= this.windowSize) this.removeOldest()
    const id = this.nextId++
    const coordinates = this.cellOf(point)
    const entry: Entry = { id, point: [...point], cell: coordinates.join(','), neighbours: new Set() }
    for (const key of this.adjacentCells(coordinates)) {
      for (const other of this.cells.get(key) ?? []) {
        const candidate = this.entries.get(other)
        if (candidate !== undefined && this.distance(candidate.point, point) <= this.radius) {
          entry.neighbours.add(other)
          candidate.neighbours.add(id)
        }
      }
    }
    this.entries.set(id, entry)
    this.order.push(id)
    let cell = this.cells.get(entry.cell)
    if (cell === undefined) {
      cell = new Set()
      this.cells.set(entry.cell, cell)
    }
    cell.add(id)
  }

  /** The hotspots of the window, densest first. */
  hotspots(): Hotspot[] {
    const isCore = (entry: Entry): boolean => entry.neighbours.size + 1 >= this.minPoints
    const assigned = new Set<number>()
    const found: Hotspot[] = []
    for (const start of this.entries.values()) {
      if (assigned.has(start.id) || !isCore(start)) continue
      const minValues = [...start.point]
      const maxValues = [...start.point]
      let count = 0
      const queue = [start]
      assigned.add(start.id)
      while (queue.length > 0) {
        const entry = queue.pop() as Entry
        count++
        entry.point.forEach((v, i) => {
          if (v < (minValues[i] as number)) minValues[i] = v
          if (v > (maxValues[i] as number)) maxValues[i] = v
        })
        if (!isCore(entry)) continue
        for (const id of entry.neighbours) {
          if (assigned.has(id)) continue
          const neighbour = this.entries.get(id)
          if (neighbour === undefined) continue
          assigned.add(id)
          queue.push(neighbour)
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
    return this.order.map((id) => (this.entries.get(id) as Entry).point)
  }

  private removeOldest(): void {
    const id = this.order.shift()
    if (id === undefined) return
    const entry = this.entries.get(id)
    if (entry === undefined) return
    for (const other of entry.neighbours) this.entries.get(other)?.neighbours.delete(id)
    this.entries.delete(id)
    const cell = this.cells.get(entry.cell)
    cell?.delete(id)
    if (cell?.size === 0) this.cells.delete(entry.cell)
  }

  private cellOf(point: readonly number[]): number[] {
    return point.slice(0, GRID_DIMENSIONS).map((v) => Math.floor(v / this.radius))
  }

  /** The keys of the cells around (and including) a cell: 3^k of them for k grid dimensions. */
  private adjacentCells(coordinates: readonly number[]): string[] {
    let keys: number[][] = [[]]
    for (const c of coordinates) keys = keys.flatMap((prefix) => [c - 1, c, c + 1].map((v) => [...prefix, v]))
    return keys.map((k) => k.join(','))
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
