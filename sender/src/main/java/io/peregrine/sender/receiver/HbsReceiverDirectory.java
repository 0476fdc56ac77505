package io.peregrine.sender.receiver;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.proto.v1.HbsGrpc;
import io.peregrine.proto.v1.Receiver;
import io.peregrine.proto.v1.Receivers;
import io.peregrine.proto.v1.ReceiversRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receivers from hbs ({@code Hbs.GetReceivers}: action -> teams -> users), cached per action in a Caffeine cache.
 * An answer older than the TTL is still served at once while one background thread asks hbs again
 * ({@code refreshAfterWrite}); when hbs cannot be reached, the last good answer stays and is served, marked stale,
 * however old it is: a stale list of on-call people beats no alert at all. At most {@value #MAX_ACTIONS} actions
 * are kept (the least used go first; they are fetched again on demand). Counted:
 * {@code sender_receiver_lookups_total{result=fetched|cached|not_found|stale|unavailable}}, gauges
 * {@code sender_receivers_age_seconds} (the oldest answer served, so a stuck refresh shows) and
 * {@code sender_receivers_cached}.
 */
public final class HbsReceiverDirectory implements ReceiverDirectory, Component {
  private static final Logger log = LoggerFactory.getLogger(HbsReceiverDirectory.class);
  static final int MAX_ACTIONS = 10_000;

  private final String address;
  private final Duration ttl;
  private final Duration callTimeout;
  private final Clock clock;
  private final MeterRegistry registry;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ThreadPoolExecutor refresher;
  private final LoadingCache<Long, Entry> cache;
  private volatile TlsMaterial tls = TlsMaterial.plaintext("hbsreceiverdirectory");
  private volatile ManagedChannel channel;
  private volatile HbsGrpc.HbsBlockingStub stub;

  /** One action's last good answer, and why the latest refresh failed (null when it did not). */
  private record Entry(Recipients recipients, Instant fetchedAt, String failure) {}

  public HbsReceiverDirectory(String address, Duration ttl, Duration callTimeout, Clock clock,
      MeterRegistry registry) {
    this.address = address;
    this.ttl = ttl;
    this.callTimeout = callTimeout;
    this.clock = clock;
    this.registry = registry;
    // one thread: refreshes are rare (one per action per TTL); when it is busy the lookup's thread refreshes
    this.refresher = NamedExecutors.fixed("sender-receivers", 1, MAX_ACTIONS, new ThreadPoolExecutor.CallerRunsPolicy());
    this.cache = Caffeine.newBuilder().maximumSize(MAX_ACTIONS).refreshAfterWrite(ttl)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis())).executor(refresher)
        .build(new CacheLoader<Long, Entry>() {
          @Override
          public Entry load(Long actionId) {
            return new Entry(fetch(actionId), clock.instant(), null);
          }

          @Override
          public Entry reload(Long actionId, Entry old) {
            try {
              return load(actionId);
            } catch (StatusRuntimeException e) {
              if (old.failure() == null) {
                log.warn("sender: {}; serving the receivers of action {} as of {}", why(e), actionId,
                    old.fetchedAt());
              }
              return new Entry(old.recipients(), old.fetchedAt(), why(e));
            }
          }
        });
    registry.gauge("sender.receivers.age.seconds", cache, c -> {
      Instant now = clock.instant();
      return c.asMap().values().stream().mapToLong(e -> Duration.between(e.fetchedAt(), now).toSeconds()).max()
          .orElse(0);
    });
    registry.gauge("sender.receivers.cached", cache, c -> c.estimatedSize());
  }

  /** TLS of the channel to hbs (the component's {@code tls} block); call before {@link #start()}. */
  public HbsReceiverDirectory tls(TlsMaterial tls) {
    this.tls = tls;
    return this;
  }

  @Override
  public String name() {
    return "sender-receivers";
  }

  @Override
  public void start() {
    // gRPC connects lazily: an hbs that is down at start only makes lookups fail (and retry), not the sender
    channel = GrpcChannels.forAddress(address, tls);
    stub = HbsGrpc.newBlockingStub(channel);
    log.info("sender: receivers from hbs at {}, refreshed every {} s in the background", address, ttl.toSeconds());
  }

  @Override
  public Recipients lookup(long actionId) {
    if (actionId <= 0) {
      return Recipients.none("the event names no action");
    }
    if (stub == null) {
      return Recipients.unknown("receiver lookup is not started");
    }
    Entry cached = cache.getIfPresent(actionId); // starts a background refresh when the answer is older than the TTL
    if (cached != null) {
      if (cached.failure() == null) {
        count("cached");
        return cached.recipients();
      }
      count("stale");
      Recipients old = cached.recipients();
      return new Recipients(old.people(), old.people().isEmpty() ? old.status() : Recipients.Status.STALE,
          cached.failure() + "; receivers as of " + cached.fetchedAt(), old.callback(), old.escalation());
    }
    try {
      Entry fresh = cache.get(actionId);
      count(fresh.recipients().status() == Recipients.Status.RESOLVED ? "fetched" : "not_found");
      return fresh.recipients();
    } catch (StatusRuntimeException e) {
      count("unavailable");
      return Recipients.unknown(why(e));
    }
  }

  private Recipients fetch(long actionId) {
    HbsGrpc.HbsBlockingStub s = stub;
    Receivers answer = s.withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .getReceivers(ReceiversRequest.newBuilder().setActionId(actionId).build());
    return toRecipients(actionId, answer);
  }

  private String why(StatusRuntimeException e) {
    return "hbs " + address + " answered " + e.getStatus().getCode()
        + (e.getStatus().getDescription() == null ? "" : " (" + e.getStatus().getDescription() + ")");
  }

  private static Recipients toRecipients(long actionId, Receivers answer) {
    if (!answer.getFound()) {
      return Recipients.none("action " + actionId + " is unknown to hbs");
    }
    List<Person> people = answer.getReceiversList().stream().map(HbsReceiverDirectory::person).toList();
    // hbs sends the URL only when the action's callback flag is on
    Callback callback = answer.getCallbackUrl().isEmpty() ? null : new Callback(answer.getCallbackUrl(),
        answer.getBeforeCallbackSms(), answer.getBeforeCallbackMail(), answer.getAfterCallbackSms(),
        answer.getAfterCallbackMail());
    Escalation escalation = new Escalation(answer.getEscalationStepsList().stream().map(s -> new Escalation.Step(
        s.getAfterMinutes(), s.getTeam(), s.getChannel(), s.getReceiversList().stream()
        .map(HbsReceiverDirectory::person).toList())).toList(), answer.getEscalationRepeatMinutes());
    if (people.isEmpty()) {
      return new Recipients(List.of(), Recipients.Status.NONE, "action " + actionId + " has no users", callback,
          escalation);
    }
    return new Recipients(people, Recipients.Status.RESOLVED, "", callback, escalation);
  }

  private static Person person(Receiver r) {
    return new Person(r.getName(), r.getEmail(), r.getPhone(), r.getIm());
  }

  private void count(String result) {
    registry.counter("sender.receiver.lookups", "result", result).increment();
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    NamedExecutors.shutdown(refresher, "sender-receivers", Duration.ofSeconds(2));
    if (channel != null) {
      GrpcChannels.close(channel);
    }
  }
}
