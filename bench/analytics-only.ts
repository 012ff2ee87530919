import { analytics } from './analytics.ts'
import { endpoints } from './common.ts'

/** npm run bench -- Kinesis Data Analytics alone: `tsx bench/analytics-only.ts`. */
analytics(await endpoints()).catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
