package io.peregrine.sender.queue;

import io.lettuce.core.ScriptOutputType;
import io.peregrine.common.event.AlertQueueException;
import io.peregrine.sender.lifecycle.EscalationStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Escalations in Redis: a sorted set {@code <prefix>escalation:due} (event id by due time, unix ms), a hash
 * {@code <prefix>escalation:<id>} ({@code action}, {@code openedAt}, {@code next}, {@code problem}, {@code ok},
 * {@code okTries}, {@code lease}, {@code leaseUntil}, {@code stopped}) and a set {@code <prefix>escalation:<id>:told}
 * ({@code channel|address}), expiring {@code ttl} after the last PROBLEM. Every change is one script, so a claim,
 * an acknowledgement ({@code <prefix>incident:<id>}, read by the claim) and a second sender see one order.
 */
final class RedisEscalationStore implements EscalationStore {
  /** KEYS: hash, due, told. ARGV: id, action, now, firstDue, problem, fresh, ttl ms. Answers 1 when started. */
  static final String OPEN = """
      local exists = redis.call('EXISTS', KEYS[1]) == 1
      if exists and ARGV[6] == '1' and redis.call('HEXISTS', KEYS[1], 'stopped') == 1
          and redis.call('HEXISTS', KEYS[1], 'ok') == 0 then
        redis.call('DEL', KEYS[1], KEYS[3])
        exists = false
      end
      local started = 0
      if not exists then
        redis.call('HSET', KEYS[1], 'action', ARGV[2], 'openedAt', ARGV[3], 'next', '0', 'lease', '0',
          'leaseUntil', '0', 'problem', ARGV[5])
        redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
        started = 1
      elseif redis.call('HEXISTS', KEYS[1], 'ok') == 0 then
        redis.call('HSET', KEYS[1], 'problem', ARGV[5])
      end
      redis.call('PEXPIRE', KEYS[1], ARGV[7])
      if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[7]) end
      return started
      """;
  /**
   * KEYS: due. ARGV: now, leaseUntil, limit, prefix. Answers {{id, token, action, openedAt, next, problem, ok,
   * {told...}, okTries}, ...}. The incident and escalation keys are built from the prefix (a hash tag in it keeps them in
   * one Redis Cluster slot).
   */
  static final String CLAIM = """
      local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
      local out = {}
      for _, id in ipairs(ids) do
        local h = ARGV[4] .. 'escalation:' .. id
        local f = redis.call('HMGET', h, 'action', 'openedAt', 'next', 'problem', 'ok', 'okTries')
        if not f[1] then
          redis.call('ZREM', KEYS[1], id)
        elseif not f[5] and redis.call('HEXISTS', ARGV[4] .. 'incident:' .. id, 'ackBy') == 1 then
          redis.call('ZREM', KEYS[1], id)
          redis.call('HSET', h, 'stopped', 'acknowledged')
        else
          local token = redis.call('HINCRBY', h, 'lease', 1)
          redis.call('HSET', h, 'leaseUntil', ARGV[2])
          redis.call('ZADD', KEYS[1], ARGV[2], id)
          local told = {}
          if f[5] then told = redis.call('SMEMBERS', h .. ':told') end
          out[#out + 1] = {id, token, f[1], f[2], f[3], f[4], f[5] or '', told, f[6] or '0'}
        end
      end
      return out
      """;
  /** KEYS: hash, due, told. ARGV: id, token, next, nextDue (< 0: none), ttl ms, told... Answers 1, 0 lease lost. */
  static final String ADVANCE = """
      if redis.call('HGET', KEYS[1], 'lease') ~= ARGV[2] then return 0 end
      redis.call('HSET', KEYS[1], 'next', ARGV[3], 'leaseUntil', '0')
      for i = 6, #ARGV do redis.call('SADD', KEYS[3], ARGV[i]) end
      if #ARGV >= 6 then redis.call('PEXPIRE', KEYS[3], ARGV[5]) end
      if redis.call('HEXISTS', KEYS[1], 'ok') == 1 then
        redis.call('ZADD', KEYS[2], 0, ARGV[1])
      elseif tonumber(ARGV[4]) < 0 then
        redis.call('ZREM', KEYS[2], ARGV[1])
      else
        redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
      end
      return 1
      """;
  /** KEYS: hash, due, told. ARGV: id, token, due, left... (who the OK is still owed to). */
  static final String RETRY_RECOVERY = """
      if redis.call('HGET', KEYS[1], 'lease') ~= ARGV[2] then return 0 end
      redis.call('DEL', KEYS[3])
      for i = 4, #ARGV do redis.call('SADD', KEYS[3], ARGV[i]) end
      redis.call('HSET', KEYS[1], 'leaseUntil', '0')
      redis.call('HINCRBY', KEYS[1], 'okTries', 1)
      redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
      return 1
      """;
  /** KEYS: hash, due, told. ARGV: id, token. */
  static final String FINISH = """
      if redis.call('HGET', KEYS[1], 'lease') ~= ARGV[2] then return 0 end
      redis.call('DEL', KEYS[1], KEYS[3])
      redis.call('ZREM', KEYS[2], ARGV[1])
      return 1
      """;
  /** KEYS: hash, due. ARGV: id, ok, now. A step being told keeps its lease; its advance makes the OK due. */
  static final String RECOVERED = """
      if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
      redis.call('HSET', KEYS[1], 'ok', ARGV[2])
      if tonumber(redis.call('HGET', KEYS[1], 'leaseUntil') or '0') <= tonumber(ARGV[3]) then
        redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
      end
      return 1
      """;

  private final RedisConnector redis;
  private final String prefix;
  private final String due;
  private final Duration ttl;

  RedisEscalationStore(RedisConnector redis, String keyPrefix, Duration ttl) {
    this.redis = redis;
    this.prefix = keyPrefix;
    this.due = keyPrefix + "escalation:due";
    this.ttl = ttl;
  }

  private String[] keys(String id) {
    return new String[] {prefix + "escalation:" + id, due, prefix + "escalation:" + id + ":told"};
  }

  @Override
  public boolean open(String id, long actionId, long now, long firstDue, String problem, boolean fresh)
      throws AlertQueueException {
    Long started = redis.call("escalation_open", r -> RedisConnector.eval(r, OPEN, ScriptOutputType.INTEGER,
        keys(id), id, Long.toString(actionId), Long.toString(now), Long.toString(firstDue), problem,
        fresh ? "1" : "0", Long.toString(ttl.toMillis())));
    return started != null && started == 1;
  }

  @Override
  public List<Claim> claim(long now, long leaseUntil, int limit) throws AlertQueueException {
    List<Object> rows = redis.call("escalation_claim", r -> RedisConnector.eval(r, CLAIM, ScriptOutputType.MULTI,
        new String[] {due}, Long.toString(now), Long.toString(leaseUntil), Integer.toString(limit), prefix));
    List<Claim> out = new ArrayList<>(rows.size());
    for (Object o : rows) {
      List<?> f = (List<?>) o;
      List<String> told = new ArrayList<>();
      for (Object t : (List<?>) f.get(7)) {
        told.add(text(t));
      }
      out.add(new Claim(text(f.get(0)), ((Number) f.get(1)).longValue(), Long.parseLong(text(f.get(2))),
          Long.parseLong(text(f.get(3))), Integer.parseInt(text(f.get(4))), text(f.get(5)), text(f.get(6)), told,
          Integer.parseInt(text(f.get(8)))));
    }
    return out;
  }

  @Override
  public boolean advance(Claim c, int next, long nextDue, List<String> told) throws AlertQueueException {
    List<String> args = new ArrayList<>(List.of(c.id(), Long.toString(c.token()), Integer.toString(next),
        Long.toString(nextDue), Long.toString(ttl.toMillis())));
    args.addAll(told);
    Long ok = redis.call("escalation_advance", r -> RedisConnector.eval(r, ADVANCE, ScriptOutputType.INTEGER,
        keys(c.id()), args.toArray(new String[0])));
    return ok != null && ok == 1;
  }

  @Override
  public boolean retryRecovery(Claim c, List<String> left, long due) throws AlertQueueException {
    List<String> args = new ArrayList<>(List.of(c.id(), Long.toString(c.token()), Long.toString(due)));
    args.addAll(left);
    Long ok = redis.call("escalation_retry_recovery", r -> RedisConnector.eval(r, RETRY_RECOVERY,
        ScriptOutputType.INTEGER, keys(c.id()), args.toArray(new String[0])));
    return ok != null && ok == 1;
  }

  @Override
  public boolean finish(Claim c) throws AlertQueueException {
    Long ok = redis.call("escalation_finish", r -> RedisConnector.eval(r, FINISH, ScriptOutputType.INTEGER,
        keys(c.id()), c.id(), Long.toString(c.token())));
    return ok != null && ok == 1;
  }

  @Override
  public void recovered(String id, String ok, long now) throws AlertQueueException {
    redis.call("escalation_recovered", r -> RedisConnector.eval(r, RECOVERED, ScriptOutputType.INTEGER,
        keys(id), id, ok, Long.toString(now)));
  }

  private static String text(Object o) {
    return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
  }
}
