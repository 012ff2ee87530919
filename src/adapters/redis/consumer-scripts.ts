/**
 * Compare-and-set writes of consumers and subscription leases, each one Lua script so that the check and
 * the write happen together. A consumer's version is read from its JSON document.
 */

/** KEYS: consumers hash. ARGV: consumer name, doc, new version. Returns 1, or 0 unless stored = new - 1. */
export const UPDATE_CONSUMER = `
local doc = redis.call('HGET', KEYS[1], ARGV[1])
if not doc or tonumber(cjson.decode(doc).version) ~= tonumber(ARGV[3]) - 1 then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`

/** KEYS: consumers hash. ARGV: consumer name, expected version. Returns 1 or 0. */
export const REMOVE_CONSUMER = `
local doc = redis.call('HGET', KEYS[1], ARGV[1])
if not doc or tonumber(cjson.decode(doc).version) ~= tonumber(ARGV[2]) then
  return 0
end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
`

/** KEYS: consumers hash. Returns how many consumers it held. */
export const REMOVE_ALL_CONSUMERS = `
local count = redis.call('HLEN', KEYS[1])
redis.call('DEL', KEYS[1])
return count
`

/** KEYS: lease. ARGV: holder, time-to-live in ms. Returns 1, or 0 when the holder no longer has the lease. */
export const RENEW_LEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`

/** KEYS: lease. ARGV: holder. Returns 1, or 0 when the holder no longer had the lease. */
export const RELEASE_LEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
`
