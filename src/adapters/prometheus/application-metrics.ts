import type { ApplicationMetrics } from '../../ports/application-metrics.ts'
import { familyHeader, itemFamilies, labelSet, sampleValue, type ItemFamily } from './text-format.ts'

const FAMILIES: readonly ItemFamily<ApplicationMetrics>[] = [
  {
    name: 'kinesisanalytics_application_running',
    type: 'gauge',
    help: 'Whether this process runs the application now (1) or stands by (0).',
    value: (metrics) => metrics.owning,
  },
  {
    name: 'kinesisanalytics_input_records_total',
    type: 'counter',
    help: 'Records read from the input stream.',
    value: (metrics) => metrics.recordsIn,
  },
  {
    name: 'kinesisanalytics_input_bytes_total',
    type: 'counter',
    help: 'Bytes of record data read from the input stream.',
    value: (metrics) => metrics.bytesIn,
  },
  {
    name: 'kinesisanalytics_input_rows_total',
    type: 'counter',
    help: 'Rows the input records became in the in-application input streams.',
    value: (metrics) => metrics.inputRows,
  },
  {
    name: 'kinesisanalytics_error_rows_total',
    type: 'counter',
    help: 'Rows written to error_stream.',
    value: (metrics) => metrics.errorRows,
  },
  {
    name: 'kinesisanalytics_records_behind_latest',
    type: 'gauge',
    help: 'Records of the input not read yet.',
    value: (metrics) => metrics.recordsBehindLatest,
  },
  {
    name: 'kinesisanalytics_millis_behind_latest',
    type: 'gauge',
    help: 'How far behind the current time the application reads its input (MillisBehindLatest); 0 at the tip.',
    value: (metrics) => metrics.millisBehindLatest,
  },
]

const OUTPUT_FAMILY = 'kinesisanalytics_output_records_total'

/** The Kinesis Data Analytics runtime's metrics per application (and output), in the Prometheus text format. */
export function applicationMetricsExposition(applications: readonly ApplicationMetrics[]): string {
  if (applications.length === 0) return ''
  let text = itemFamilies(FAMILIES, applications, labelsOf)
  text += familyHeader(OUTPUT_FAMILY, 'counter', 'Records written to each output of the application.')
  for (const application of applications) {
    for (const output of application.outputs) {
      const labels = labelSet([
        ...labelsOf(application),
        ['output_id', output.outputId],
        ['destination', output.destination],
      ])
      text += `${OUTPUT_FAMILY}${labels} ${sampleValue(output.records)}\n`
    }
  }
  return text
}

function labelsOf(application: ApplicationMetrics): [string, string][] {
  return [
    ['account', application.account],
    ['region', application.region],
    ['application', application.applicationName],
  ]
}
