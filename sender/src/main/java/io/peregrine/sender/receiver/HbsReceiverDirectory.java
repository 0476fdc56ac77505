package io.peregrine.sender.receiver;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.proto.v1.HbsGrpc;
import io.peregrine.proto.v1.Receiver;
import io.peregrine.proto.v1.Receivers;
import io.peregrine.proto.v1.ReceiversRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receivers from hbs ({@code Hbs.GetReceivers}), cached per action for a TTL. When hbs cannot be reached, the last
 * answer is served however old it is (counted as stale): a stale list of on-call people beats no alert at all.
 * The cache holds at most {@value #MAX_ACTIONS} actions; beyond that expired entries are dropped, then all of them
 * (they are refetched on demand, nothing is lost).
 */
public final class HbsReceiverDirectory implements ReceiverDirectory, Component {
  private static final Logger log = LoggerFactory.getLogger(HbsReceiverDirectory.class);
  static final int MAX_ACTIONS = 10_000;

  private final String address;
  private final Duration ttl;
  private final Duration callTimeout;
  private final Clock clock;
  private final MeterRegistry registry;
  private final Map<Long, Cached> cache = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile ManagedChannel channel;
  private volatile HbsGrpc.HbsBlockingStub stub;

  private record Cached(Recipients recipients, Instant fetchedAt) {}

  public HbsReceiverDirectory(String address, Duration ttl, Duration callTimeout, Clock clock,
      MeterRegistry registry) {
    this.address = address;
    this.ttl = ttl;
    this.callTimeout = callTimeout;
    this.clock = clock;
    this.registry = registry;
  }

  @Override
  public String name() {
    return "sender-receivers";
  }

  @Override
  public void start() {
    // gRPC connects lazily: an hbs that is down at start only makes lookups fail (and retry), not the sender
    channel = GrpcChannels.forAddress(address);
    stub = HbsGrpc.newBlockingStub(channel);
    log.info("sender: receivers from hbs at {}, cached for {} s", address, ttl.toSeconds());
  }

  @Override
  public Recipients lookup(long actionId) {
    if (actionId <= 0) {
      return Recipients.none("the event names no action");
    }
    Instant now = clock.instant();
    Cached cached = cache.get(actionId);
    if (cached != null && now.isBefore(cached.fetchedAt().plus(ttl))) {
      count("cached");
      return cached.recipients();
    }
    HbsGrpc.HbsBlockingStub s = stub;
    if (s == null) {
      return Recipients.unknown("receiver lookup is not started");
    }
    try {
      Receivers answer = s.withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
          .getReceivers(ReceiversRequest.newBuilder().setActionId(actionId).build());
      Recipients fresh = toRecipients(actionId, answer);
      remember(actionId, new Cached(fresh, now));
      count(answer.getFound() ? "fetched" : "not_found");
      return fresh;
    } catch (StatusRuntimeException e) {
      String why = "hbs " + address + " answered " + e.getStatus().getCode()
          + (e.getStatus().getDescription() == null ? "" : " (" + e.getStatus().getDescription() + ")");
      if (cached != null) {
        count("stale");
        Recipients old = cached.recipients();
        return new Recipients(old.people(), old.people().isEmpty() ? old.status() : Recipients.Status.STALE,
            why + "; receivers as of " + cached.fetchedAt());
      }
      count("unavailable");
      return Recipients.unknown(why);
    }
  }

  private static Recipients toRecipients(long actionId, Receivers answer) {
    if (!answer.getFound()) {
      return Recipients.none("action " + actionId + " is unknown to hbs");
    }
    List<Person> people = answer.getReceiversList().stream().map(HbsReceiverDirectory::person).toList();
    if (people.isEmpty()) {
      return Recipients.none("action " + actionId + " has no users");
    }
    return new Recipients(people, Recipients.Status.RESOLVED, "");
  }

  private static Person person(Receiver r) {
    return new Person(r.getName(), r.getEmail(), r.getPhone(), r.getIm());
  }

  private void remember(long actionId, Cached entry) {
    if (cache.size() >= MAX_ACTIONS && !cache.containsKey(actionId)) {
      Instant now = clock.instant();
      cache.values().removeIf(c -> !now.isBefore(c.fetchedAt().plus(ttl)));
      if (cache.size() >= MAX_ACTIONS) {
        cache.clear();
      }
    }
    cache.put(actionId, entry);
  }

  private void count(String result) {
    registry.counter("sender.receiver.lookups", "result", result).increment();
  }

  @Override
  public void close() {
    if (closed.getAndSet(true) || channel == null) {
      return;
    }
    GrpcChannels.close(channel);
  }
}
