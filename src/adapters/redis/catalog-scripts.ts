/**
 * The catalog's writes, each one Lua script so that the check, the write, the name index and the change
 * notice happen together or not at all. A notice published by the script cannot be lost to a crash between
 * the write and the publish.
 */

/** KEYS: stream hash, name index. ARGV: doc, version, stream name, channel, notice. Returns 1 or 0. */
export const CREATE_STREAM = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'doc', ARGV[1], 'version', ARGV[2])
redis.call('ZADD', KEYS[2], 0, ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
`

/** KEYS: stream hash. ARGV: doc, new version, channel, notice. Returns 1, or 0 unless stored = new - 1. */
export const UPDATE_STREAM = `
local stored = redis.call('HGET', KEYS[1], 'version')
if not stored or tonumber(stored) ~= tonumber(ARGV[2]) - 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'doc', ARGV[1], 'version', ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
`

/** KEYS: stream hash, name index. ARGV: expected version, stream name, channel, notice. Returns 1 or 0. */
export const REMOVE_STREAM = `
local stored = redis.call('HGET', KEYS[1], 'version')
if not stored or tonumber(stored) ~= tonumber(ARGV[1]) then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
`

/**
 * KEYS: topic claims hash. ARGV: topic, expected claim JSON, next claim JSON or ''. Replaces (or removes) the
 * field when it holds exactly the expected claim. Returns 1 or 0.
 */
export const REPLACE_TOPIC_CLAIM = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then
  return 0
end
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
end
return 1
`
