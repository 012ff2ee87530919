import { endpoints } from './common.ts'
import { firehoseDelivery } from './firehose-delivery.ts'
import { firehoseGateway } from './firehose-gateway.ts'

/** npm run bench -- firehose alone: `tsx bench/firehose-only.ts` (delivery workers, then through the gateway). */
const stack = await endpoints()
try {
  await firehoseDelivery(stack)
  await firehoseGateway(stack)
} catch (error: unknown) {
  console.error(error)
  process.exit(1)
}
