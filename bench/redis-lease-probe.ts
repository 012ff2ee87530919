import { connectRedis, createRedisClient } from '../src/adapters/redis/redis-client.ts'

/*
 * The direct counterpart of a KCL lease renewal, for the KCL scenario (bench/kcl.ts): what a renewal costs on Redis
 * alone. Run as a process of its own (`tsx bench/redis-lease-probe.ts <redis url> <calls/s>`), so that neither the
 * bench's nor the gateway's event loop delays it. Until its stdin closes, it renews a lease the way a renewal
 * reaches Redis: one script that compares the stored lease with the one last read and writes the next one (counter
 * raised). It then prints each round trip as [epoch ms it ended, latency ms], a JSON array.
 */
const RENEW = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`

const [url, rateText] = process.argv.slice(2)
if (url === undefined || rateText === undefined) {
  console.error('usage: tsx bench/redis-lease-probe.ts <redis url> <calls per second>')
  process.exit(2)
}
const intervalMs = 1000 / Number(rateText)
const redis = createRedisClient(url, 'bench-lease-probe')
await connectRedis(redis)
const key = `bench:lease-probe:${String(process.pid)}`
const leaseText = (counter: number): string =>
  JSON.stringify({
    leaseKey: { S: 'shardId-000000000000' },
    leaseOwner: { S: 'worker-probe' },
    leaseCounter: { N: String(counter) },
    checkpoint: { S: '49590338271490256608559692538361571095921575989136588898' },
  })

const probe = { running: true }
process.stdin.on('end', () => {
  probe.running = false
})
process.stdin.resume()

const roundTrips: [number, number][] = []
let current = leaseText(0)
await redis.hset(key, 'lease', current)
for (let counter = 1; probe.running; counter++) {
  const next = leaseText(counter)
  const started = performance.now()
  const swapped = await redis.eval(RENEW, 1, key, 'lease', current, next)
  roundTrips.push([Date.now(), performance.now() - started])
  if (swapped !== 1) throw new Error('the probe lease changed under the probe')
  current = next
  await new Promise((resolve) => setTimeout(resolve, intervalMs))
}
await redis.del(key)
await redis.quit()
process.stdout.write(JSON.stringify(roundTrips))
