import type { ScalarShape, Shape, StructureShape } from '../aws/index.ts'

// PutMetricDataInput's members as the CloudWatch service model (2010-08-01) describes them.

/** StandardUnit, in the model's order (AWS lists them so in its enum violation). */
export const STANDARD_UNITS = [
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
] as const

export const Namespace: ScalarShape = { type: 'string', minLength: 1, maxLength: 255, pattern: '[^:].*' }

/** DatapointValue. */
const DATAPOINT_VALUE: ScalarShape = { type: 'double' }
const REQUIRED_DATAPOINT_VALUE: ScalarShape = { type: 'double', required: true }

const DIMENSION: StructureShape = {
  type: 'structure',
  members: {
    Name: { type: 'string', required: true, minLength: 1, maxLength: 255 },
    Value: { type: 'string', required: true, minLength: 1, maxLength: 1024 },
  },
}

const STATISTIC_SET: StructureShape = {
  type: 'structure',
  members: {
    SampleCount: REQUIRED_DATAPOINT_VALUE,
    Sum: REQUIRED_DATAPOINT_VALUE,
    Minimum: REQUIRED_DATAPOINT_VALUE,
    Maximum: REQUIRED_DATAPOINT_VALUE,
  },
}

const METRIC_DATUM: StructureShape = {
  type: 'structure',
  members: {
    MetricName: { type: 'string', required: true, minLength: 1, maxLength: 255 },
    Dimensions: { type: 'list', maxLength: 30, member: DIMENSION },
    Timestamp: { type: 'timestamp' },
    Value: DATAPOINT_VALUE,
    StatisticValues: STATISTIC_SET,
    Values: { type: 'list', member: DATAPOINT_VALUE },
    Counts: { type: 'list', member: DATAPOINT_VALUE },
    Unit: { type: 'string', enum: STANDARD_UNITS },
    StorageResolution: { type: 'integer', min: 1 },
  },
}

export const MetricData: Shape = { type: 'list', member: METRIC_DATUM }

const ENTITY: StructureShape = {
  type: 'structure',
  members: {
    KeyAttributes: {
      type: 'map',
      minLength: 2,
      maxLength: 4,
      keys: { type: 'string', minLength: 1, maxLength: 32 },
      values: { type: 'string', minLength: 1, maxLength: 2048 },
    },
    Attributes: {
      type: 'map',
      minLength: 0,
      maxLength: 10,
      keys: { type: 'string', minLength: 1, maxLength: 256 },
      values: { type: 'string', minLength: 1, maxLength: 2048 },
    },
  },
}

export const EntityMetricData: Shape = {
  type: 'list',
  member: { type: 'structure', members: { Entity: ENTITY, MetricData } },
}

export const StrictEntityValidation: ScalarShape = { type: 'boolean' }
