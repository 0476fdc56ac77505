package io.peregrine.sender.queue;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.peregrine.common.event.AlertQueueException;
import io.peregrine.common.server.ThrottledLog;
import io.peregrine.sender.claim.DeliveryClaims;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Claims in Redis, under {@code <prefix>event:sent:<event key>|<channel>|<receiver>}: a lease is this sender's
 * token with a short PX, "sent" has the long TTL. Claim and release are one script over all keys of a send (one
 * round trip); confirm is pipelined; in Redis Cluster the prefix needs a hash tag ({@code {pg}:}) so they share a slot.
 */
final class RedisDeliveryClaims implements DeliveryClaims {
  /** Answers 1 claimed, 2 already sent, 3 leased by someone else, per key. */
  static final String CLAIM = """
      local out = {}
      for i, k in ipairs(KEYS) do
        if redis.call('SET', k, ARGV[1], 'NX', 'PX', ARGV[2]) then
          out[i] = 1
        else
          local v = redis.call('GET', k)
          if v == 'sent' then out[i] = 2
          elseif v == ARGV[1] then
            redis.call('PEXPIRE', k, ARGV[2])
            out[i] = 1
          else out[i] = 3 end
        end
      end
      return out
      """;
  static final String RELEASE = """
      local n = 0
      for _, k in ipairs(KEYS) do
        if redis.call('GET', k) == ARGV[1] then
          redis.call('DEL', k)
          n = n + 1
        end
      end
      return n
      """;

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RedisDeliveryClaims.class);
  private final ThrottledLog errors = new ThrottledLog(log, Duration.ofSeconds(10));
  private final RedisConnector redis;
  private final String prefix;
  private final String token;

  /** @param token this sender's lease value (its consumer id and start time: unique per process) */
  RedisDeliveryClaims(RedisConnector redis, String keyPrefix, String token) {
    this.redis = redis;
    this.prefix = keyPrefix + "event:sent:";
    this.token = token;
  }

  @Override
  public List<State> claim(List<String> keys, Duration lease) throws AlertQueueException {
    if (keys.isEmpty()) {
      return List.of();
    }
    List<Object> got = redis.call("claim", r -> RedisConnector.eval(r, CLAIM, ScriptOutputType.MULTI,
        full(keys), token, String.valueOf(Math.max(1, lease.toMillis()))));
    List<State> out = new ArrayList<>(keys.size());
    for (Object o : got) {
      long v = ((Number) o).longValue();
      out.add(v == 1 ? State.CLAIMED : v == 2 ? State.SENT : State.BUSY);
    }
    return out;
  }

  /**
   * Sent without waiting (one SET per key): the acknowledgement that follows on the same connection covers its
   * round trip and runs after it. A failure is logged (throttled); a redelivery of the event could then repeat the
   * send, as when the confirm itself fails.
   */
  @Override
  public void confirm(List<String> keys, Duration ttl) {
    if (keys.isEmpty()) {
      return;
    }
    String[] full = full(keys);
    SetArgs px = SetArgs.Builder.px(ttl.toMillis());
    redis.send("claim_confirm", r -> {
      List<RedisFuture<?>> out = new ArrayList<>(full.length);
      for (String k : full) {
        out.add(r.set(k, "sent", px));
      }
      return out;
    }, why -> errors.warn("sender: cannot record {} sends as done ({}); a redelivery of these events would repeat "
        + "them", full.length, why));
  }

  @Override
  public void release(List<String> keys) throws AlertQueueException {
    if (!keys.isEmpty()) {
      redis.call("claim_release", r -> RedisConnector.eval(r, RELEASE, ScriptOutputType.INTEGER, full(keys),
          token));
    }
  }

  @Override
  public void forget(List<String> keys) throws AlertQueueException {
    if (!keys.isEmpty()) {
      redis.call("claim_forget", r -> r.del(full(keys)));
    }
  }

  private String[] full(List<String> keys) {
    String[] out = new String[keys.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = prefix + keys.get(i);
    }
    return out;
  }
}
