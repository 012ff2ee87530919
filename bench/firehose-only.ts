import { endpoints } from './common.ts'
import { firehoseDelivery } from './firehose-delivery.ts'

/** npm run bench -- firehose alone: `tsx bench/firehose-only.ts`. */
firehoseDelivery(await endpoints()).catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
