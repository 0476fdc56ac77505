package io.peregrine.sender.queue;

/** The Lua scripts that make each queue move atomic, so no crash between two commands can lose an event. */
final class RedisScripts {
  private RedisScripts() {}

  /**
   * KEYS: p0..p6, then the processing list. ARGV: the most events to take. Pops the oldest events (RPOP: the judge
   * LPUSHes) of the most urgent non-empty queue, then of the next ones, up to the limit, and records each as taken
   * (LPUSH, so the oldest taken sits at the tail). Answers {priority, event, priority, event, ...}, empty when every
   * queue is empty. One round trip for a whole batch, atomic like a single take.
   */
  static final String TAKE = """
      local processing = KEYS[#KEYS]
      local max = tonumber(ARGV[1])
      local out = {}
      local n = 0
      for i = 1, #KEYS - 1 do
        while n < max do
          local v = redis.call('RPOP', KEYS[i])
          if not v then break end
          redis.call('LPUSH', processing, v)
          out[#out + 1] = i - 1
          out[#out + 1] = v
          n = n + 1
        end
        if n >= max then break end
      end
      return out
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
