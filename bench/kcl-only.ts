import { endpoints } from './common.ts'
import { kcl } from './kcl.ts'

/**
 * The KCL scenario alone: `tsx bench/kcl-only.ts`. BENCH_INGEST_RATE (records/s) stands for the ingest scenario's
 * figure, which the KCL drain rate is compared with; take it from a full run on the same machine.
 */
const ingestRate = Number(process.env.BENCH_INGEST_RATE)
if (!Number.isFinite(ingestRate) || ingestRate <= 0) {
  console.error('set BENCH_INGEST_RATE to the ingest scenario records/s of a full run on this machine')
  process.exit(2)
}
kcl(await endpoints(), ingestRate).catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
