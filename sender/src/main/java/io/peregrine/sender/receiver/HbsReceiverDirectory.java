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
 * Receivers from hbs ({@code Hbs.GetReceivers}: action -> teams or on-call schedules -> users), cached per action
 * in a Caffeine cache. An answer that names an on-call schedule holds only until hbs's next hand-over
 * ({@code valid_until}): the first lookup after it asks hbs again at once.
 * An answer older than the TTL is still served at once while one background thread asks hbs again
 * ({@code refreshAfterWrite}); when hbs cannot be reached, the last good answer stays and is served, marked stale,
 * however old it is: a stale list of on-call people beats no alert at all. At most {@value #MAX_ACTIONS} actions
 * are kept (the least used go first; they are fetched again on demand). Counted:
 * {@code sender_receiver_lookups_total{result=fetched|cached|not_found|stale|unavailable}},
 * {@code sender_receiver_problems_total} (per event, each name of its action that reaches nobody, such as a
 * schedule with nobody on call; hbs's reasons are logged once per answer), gauges
 * {@code sender_receivers_age_seconds} (the oldest answer served, so a stuck refresh shows) and
 * {@code sender_receivers_cached}.
 */
public final class HbsReceiverDirectory implements ReceiverDirectory, Component {
  private static final Logger log = LoggerFactory.getLogger(HbsReceiverDirectory.class);
  static final int MAX_ACTIONS = 10_000;
  /** After a hand-over, how long a failed ask waits before the next lookup asks hbs again. */
  static final Duration HANDOVER_RETRY = Duration.ofSeconds(5);

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

  /**
   * One action's last good answer, and why the latest refresh failed (null when it did not). {@code validUntil}
   * (unix ms, 0 for none) is hbs's next on-call hand-over for the action; {@code problems} are hbs's reasons why a
   * name of the action reaches nobody.
   */
  private record Entry(Recipients recipients, Instant fetchedAt, String failure, long validUntil,
      List<String> problems) {
    Entry failed(String why) {
      return new Entry(recipients, fetchedAt, why, validUntil, problems);
    }
  }

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
            return fetch(actionId);
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
              return old.failed(why(e));
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
    if (cached != null && cached.validUntil() > 0 && clock.millis() >= cached.validUntil()) {
      cached = handedOver(actionId, cached);
    }
    if (cached != null) {
      problems(cached);
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
      problems(fresh);
      return fresh.recipients();
    } catch (StatusRuntimeException e) {
      count("unavailable");
      return Recipients.unknown(why(e));
    }
  }

  /**
   * An on-call schedule of the action has handed over since the answer: ask hbs now, on the lookup's thread, so
   * the event goes to whoever is on call now; when hbs cannot be reached the old answer is served, marked stale.
   */
  private Entry handedOver(long actionId, Entry old) {
    try {
      Entry fresh = fetch(actionId);
      cache.put(actionId, fresh);
      return fresh;
    } catch (StatusRuntimeException e) {
      log.warn("sender: {}; the on-call hand-over of action {} is past, serving its receivers as of {}", why(e),
          actionId, old.fetchedAt());
      // ask again after a short pause, not on every event while hbs is away
      Entry stale = new Entry(old.recipients(), old.fetchedAt(), why(e), clock.millis() + HANDOVER_RETRY.toMillis(),
          old.problems());
      cache.put(actionId, stale);
      return stale;
    }
  }

  private Entry fetch(long actionId) {
    HbsGrpc.HbsBlockingStub s = stub;
    Receivers answer = s.withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .getReceivers(ReceiversRequest.newBuilder().setActionId(actionId).build());
    if (answer.getProblemsCount() > 0) {
      // logged once per answer (at most once per TTL or hand-over); counted for every event it concerns
      log.warn("sender: action {} reaches nobody through some of its names: {}", actionId,
          String.join("; ", answer.getProblemsList()));
    }
    return new Entry(toRecipients(actionId, answer), clock.instant(), null, answer.getValidUntil(),
        List.copyOf(answer.getProblemsList()));
  }

  /** Counts, per event looked up, that a name of its action reaches nobody (never a silent drop). */
  private void problems(Entry e) {
    if (!e.problems().isEmpty()) {
      registry.counter("sender.receiver.problems").increment(e.problems().size());
    }
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
    String problems = String.join("; ", answer.getProblemsList());
    if (people.isEmpty()) {
      return new Recipients(List.of(), Recipients.Status.NONE, "action " + actionId + " has no users"
          + (problems.isEmpty() ? "" : ": " + problems), callback, escalation);
    }
    return new Recipients(people, Recipients.Status.RESOLVED, problems, callback, escalation);
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
