package io.peregrine.sender.queue;

/** The Lua scripts that make each queue move atomic, so no crash between two commands can lose an event. */
final class RedisScripts {
  private RedisScripts() {}

  /**
   * KEYS: p0..p6, then the processing list. Pops the oldest event (RPOP: the judge LPUSHes) of the most urgent
   * non-empty queue and records it as taken. Answers {priority, event} or nil.
   */
  static final String TAKE = """
      local processing = KEYS[#KEYS]
      for i = 1, #KEYS - 1 do
        local v = redis.call('RPOP', KEYS[i])
        if v then
          redis.call('LPUSH', processing, v)
          return {i - 1, v}
        end
      end
      return false
      """;

  /**
   * KEYS: the dead list, the processing list. ARGV: the wrapper, the raw event, the dead list's capacity. Keeps the
   * wrapper, forgets the taken event, trims the oldest dead letters beyond the capacity and answers how many.
   */
  static final String DEAD_LETTER = """
      redis.call('LPUSH', KEYS[1], ARGV[1])
      redis.call('LREM', KEYS[2], 1, ARGV[2])
      local cap = tonumber(ARGV[3])
      local n = redis.call('LLEN', KEYS[1])
      if n > cap then
        redis.call('LTRIM', KEYS[1], 0, cap - 1)
        return n - cap
      end
      return 0
      """;

  /**
   * KEYS: the processing list, a priority queue. ARGV: the event expected at the head of the processing list. Moves
   * it to the tail of the queue, the end taken next, so an event a crashed sender held is delivered first.
   */
  static final String REQUEUE = """
      if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then
        redis.call('LPOP', KEYS[1])
        redis.call('RPUSH', KEYS[2], ARGV[1])
        return 1
      end
      return 0
      """;

  /** KEYS: the dead list, a priority queue. ARGV: the wrapper, the event. Moves the event back as a new one. */
  static final String REPLAY = """
      if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
        redis.call('LPUSH', KEYS[2], ARGV[2])
        return 1
      end
      return 0
      """;
}
