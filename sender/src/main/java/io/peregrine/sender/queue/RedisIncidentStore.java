package io.peregrine.sender.queue;

import io.lettuce.core.ScriptOutputType;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertQueueException;
import io.peregrine.sender.lifecycle.IncidentStore;
import io.peregrine.sender.message.MessageFormatter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Incidents in Redis, one hash per event id under {@code <prefix>incident:<id>} (fields {@code openedAt},
 * {@code lastStep}, {@code endpoint}, {@code metric}, {@code priority}, and {@code ackBy}, {@code ackAt},
 * {@code ackComment} once acknowledged), expiring {@code ttl} after the last PROBLEM. Each change is one script,
 * so two senders and an acknowledgement racing a PROBLEM see one order.
 */
final class RedisIncidentStore implements IncidentStore {
  /** ARGV: eventTime (s), step, ttl ms, endpoint, metric, priority. Answers {ackBy, ackAt, ackComment} or {}. */
  static final String PROBLEM = """
      local ackAt = redis.call('HGET', KEYS[1], 'ackAt')
      if ackAt and ARGV[2] == '1' and tonumber(ARGV[1]) * 1000 > tonumber(ackAt) then
        redis.call('DEL', KEYS[1])
      end
      redis.call('HSETNX', KEYS[1], 'openedAt', ARGV[1])
      redis.call('HSET', KEYS[1], 'lastStep', ARGV[2], 'endpoint', ARGV[4], 'metric', ARGV[5], 'priority', ARGV[6])
      redis.call('PEXPIRE', KEYS[1], ARGV[3])
      local a = redis.call('HMGET', KEYS[1], 'ackBy', 'ackAt', 'ackComment')
      if a[1] then return a end
      return {}
      """;
  /** Answers {ackBy, ackAt, ackComment}, {} when not acknowledged, and deletes the incident. */
  static final String RECOVERED = """
      local a = redis.call('HMGET', KEYS[1], 'ackBy', 'ackAt', 'ackComment')
      redis.call('DEL', KEYS[1])
      if a[1] then return a end
      return {}
      """;
  /** ARGV: by, at ms, comment. Answers {0} not open, {1, ...} acknowledged, {2, by, at, comment} already. */
  static final String ACK = """
      if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
      local a = redis.call('HMGET', KEYS[1], 'ackBy', 'ackAt', 'ackComment')
      if a[1] then return {2, a[1], a[2], a[3]} end
      redis.call('HSET', KEYS[1], 'ackBy', ARGV[1], 'ackAt', ARGV[2], 'ackComment', ARGV[3])
      return {1}
      """;

  private final RedisConnector redis;
  private final String prefix;
  private final Duration ttl;

  RedisIncidentStore(RedisConnector redis, String keyPrefix, Duration ttl) {
    this.redis = redis;
    this.prefix = keyPrefix + "incident:";
    this.ttl = ttl;
  }

  @Override
  public Optional<Ack> problem(AlertEvent p) throws AlertQueueException {
    List<Object> a = redis.call("incident_problem", r -> RedisConnector.eval(r, PROBLEM, ScriptOutputType.MULTI,
        new String[] {prefix + p.id()}, Long.toString(p.eventTime()), Integer.toString(p.currentStep()),
        Long.toString(ttl.toMillis()), nz(p.endpoint()), MessageFormatter.metricOf(p),
        Integer.toString(MessageFormatter.priorityOf(p))));
    return ack(a, 0);
  }

  @Override
  public Optional<Ack> recovered(String id) throws AlertQueueException {
    List<Object> a = redis.call("incident_recovered", r -> RedisConnector.eval(r, RECOVERED,
        ScriptOutputType.MULTI, new String[] {prefix + id}));
    return ack(a, 0);
  }

  @Override
  public Optional<Incident> find(String id) throws AlertQueueException {
    Map<String, String> h = redis.call("incident_find", r -> r.hgetall(prefix + id));
    if (h == null || h.isEmpty() || !h.containsKey("openedAt")) {
      return Optional.empty();
    }
    Ack ack = h.containsKey("ackBy") ? new Ack(h.get("ackBy"), Long.parseLong(h.get("ackAt")),
        h.getOrDefault("ackComment", "")) : null;
    return Optional.of(new Incident(id, Long.parseLong(h.get("openedAt")), Integer.parseInt(h.get("lastStep")),
        h.getOrDefault("endpoint", ""), h.getOrDefault("metric", ""), Integer.parseInt(h.getOrDefault("priority",
        "0")), ack));
  }

  @Override
  public AckResult acknowledge(String id, Ack ack) throws AlertQueueException {
    List<Object> a = redis.call("incident_ack", r -> RedisConnector.eval(r, ACK, ScriptOutputType.MULTI,
        new String[] {prefix + id}, ack.by(), Long.toString(ack.atMillis()), ack.comment()));
    long outcome = ((Number) a.get(0)).longValue();
    if (outcome == 0) {
      return new AckResult(AckResult.Outcome.NOT_OPEN, null);
    }
    return outcome == 1 ? new AckResult(AckResult.Outcome.ACKNOWLEDGED, ack)
        : new AckResult(AckResult.Outcome.ALREADY, ack(a, 1).orElse(null));
  }

  private static Optional<Ack> ack(List<Object> a, int from) {
    if (a == null || a.size() < from + 3 || a.get(from) == null) {
      return Optional.empty();
    }
    return Optional.of(new Ack(text(a.get(from)), Long.parseLong(text(a.get(from + 1))),
        a.get(from + 2) == null ? "" : text(a.get(from + 2))));
  }

  private static String text(Object o) {
    return o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(o);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
