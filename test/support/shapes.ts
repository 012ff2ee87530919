import type { ListShape, MapShape, ScalarType, Shape, StructureShape } from '../../src/aws/index.ts'

// Shorthand for the input descriptions of test operations: a scalar is written as its type name.

type ShapeLike = ScalarType | Shape

function shapeOf(shape: ShapeLike): Shape {
  return typeof shape === 'string' ? { type: shape } : shape
}

export function structure(members: Readonly<Record<string, ShapeLike>>): StructureShape {
  return {
    type: 'structure',
    members: Object.fromEntries(Object.entries(members).map(([name, shape]) => [name, shapeOf(shape)])),
  }
}

export function list(member: ShapeLike): ListShape {
  return { type: 'list', member: shapeOf(member) }
}

export function map(values: ShapeLike): MapShape {
  return { type: 'map', values: shapeOf(values) }
}
