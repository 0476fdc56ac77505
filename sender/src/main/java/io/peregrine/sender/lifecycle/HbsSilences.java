package io.peregrine.sender.lifecycle;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.server.ThrottledLog;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.proto.v1.HbsGrpc;
import io.peregrine.proto.v1.Silence;
import io.peregrine.proto.v1.SilencesRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Silences pulled from hbs ({@code Hbs.GetSilences}) every {@code refresh} by one scheduled task, and held as one
 * immutable list that lookups read without a lock. At most {@value #MAX_SILENCES} are kept (hbs hands out no more);
 * a silence this sender cannot compile (written around hbs, by SQL) is left out and logged. When hbs cannot be
 * reached the last list stays in use, however old (a silence that ended meanwhile stops by its own end time; one
 * created meanwhile is not known yet); before the first answer nothing is silenced, so an hbs that is down never
 * hides an alert. Counted: {@code sender_silence_refreshes_total{result=ok|failed}},
 * {@code sender_suppressed_total{reason=silenced}} (by the dispatcher), gauge {@code sender_silences}.
 */
public final class HbsSilences implements Silences, Component {
  private static final Logger log = LoggerFactory.getLogger(HbsSilences.class);
  static final int MAX_SILENCES = 10_000;

  private final String address;
  private final Duration refresh;
  private final Duration callTimeout;
  private final Clock clock;
  private final MeterRegistry registry;
  private final ThrottledLog failures = new ThrottledLog(log, Duration.ofMinutes(1));
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile List<SilenceMatcher> current = List.of();
  private volatile TlsMaterial tls = TlsMaterial.plaintext("hbssilences");
  private volatile ManagedChannel channel;
  private volatile HbsGrpc.HbsBlockingStub stub;
  private volatile ScheduledExecutorService ticker;

  public HbsSilences(String address, Duration refresh, Duration callTimeout, Clock clock, MeterRegistry registry) {
    this.address = address;
    this.refresh = refresh;
    this.callTimeout = callTimeout;
    this.clock = clock;
    this.registry = registry;
    registry.gauge("sender.silences", this, s -> s.current.size());
  }

  /** TLS of the channel to hbs; call before {@link #start()}. */
  public HbsSilences tls(TlsMaterial tls) {
    this.tls = tls;
    return this;
  }

  @Override
  public String name() {
    return "sender-silences";
  }

  @Override
  public void start() {
    channel = GrpcChannels.forAddress(address, tls);
    stub = HbsGrpc.newBlockingStub(channel);
    ticker = NamedExecutors.scheduled("sender-silences");
    ticker.scheduleWithFixedDelay(this::refreshQuietly, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
    log.info("sender: silences from hbs at {}, refreshed every {} ms", address, refresh.toMillis());
  }

  @Override
  public Optional<SilenceMatcher> silencing(AlertEvent event) {
    long now = clock.millis() / 1000;
    for (SilenceMatcher s : current) {
      if (s.silences(event, now)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The silences in use now. */
  public List<SilenceMatcher> current() {
    return current;
  }

  /**
   * Asks hbs now and replaces the list (the scheduled task does this every {@code refresh}; tests call it).
   *
   * @throws StatusRuntimeException when hbs does not answer; the list in use stays
   */
  public int refreshNow() {
    List<SilenceMatcher> next = new ArrayList<>();
    List<Silence> got = stub.withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .getSilences(SilencesRequest.getDefaultInstance()).getSilencesList();
    for (Silence s : got.subList(0, Math.min(got.size(), MAX_SILENCES))) {
      try {
        next.add(compile(s));
      } catch (IllegalArgumentException e) {
        failures.warn("sender: silence {} from hbs is left out: {}", s.getId(), e.getMessage());
      }
    }
    current = List.copyOf(next);
    registry.counter("sender.silence.refreshes", "result", "ok").increment();
    return next.size();
  }

  private void refreshQuietly() {
    if (!refreshing.compareAndSet(false, true)) {
      return;
    }
    try {
      refreshNow();
    } catch (StatusRuntimeException e) {
      registry.counter("sender.silence.refreshes", "result", "failed").increment();
      failures.warn("sender: cannot fetch silences from hbs {} ({}); keeping the {} known", address,
          e.getStatus().getCode(), current.size());
    } catch (RuntimeException e) {
      registry.counter("sender.silence.refreshes", "result", "failed").increment();
      failures.warn("sender: silence refresh failed: {}", e.toString(), e);
    } finally {
      refreshing.set(false);
    }
  }

  static SilenceMatcher compile(Silence s) {
    if (s.getMatchersCount() == 0) {
      throw new IllegalArgumentException("it has no matcher");
    }
    List<SilenceMatcher.Field> fields = new ArrayList<>();
    for (io.peregrine.proto.v1.SilenceMatcher m : s.getMatchersList()) {
      fields.add(SilenceMatcher.field(m.getName(), m.getValue(), m.getRegex()));
    }
    return new SilenceMatcher(s.getId(), fields, s.getStartsAt(), s.getEndsAt(), s.getAuthor(), s.getComment());
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    if (ticker != null) {
      NamedExecutors.shutdown(ticker, "sender-silences", Duration.ofSeconds(2));
    }
    if (channel != null) {
      GrpcChannels.close(channel);
    }
  }
}
