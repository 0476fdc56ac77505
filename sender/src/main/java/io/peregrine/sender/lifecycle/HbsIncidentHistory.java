package io.peregrine.sender.lifecycle;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.server.ThrottledLog;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.proto.v1.HbsGrpc;
import io.peregrine.proto.v1.IncidentEvent;
import io.peregrine.proto.v1.IncidentEventBatch;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Incident history sent to hbs in batches of up to {@value #BATCH} every {@value #FLUSH_MILLIS} ms by one scheduled
 * task. Entries wait in a bounded buffer of {@value #CAPACITY}: when it is full the oldest entry is dropped and
 * counted ({@code sender_incident_history_dropped_total}); while hbs cannot be reached the batch goes back to the
 * front of the buffer and is sent again later (throttled log, {@code sender_incident_history_failures_total}).
 * At close one last flush is tried; what hbs does not take then is lost and logged with its count.
 * Also counted: {@code sender_incident_history_sent_total}, gauge {@code sender_incident_history_buffered}.
 */
public final class HbsIncidentHistory implements IncidentHistory, Component {
  private static final Logger log = LoggerFactory.getLogger(HbsIncidentHistory.class);
  static final int CAPACITY = 10_000;
  static final int BATCH = 500;
  static final long FLUSH_MILLIS = 1_000;

  private final String address;
  private final String sender;
  private final Duration callTimeout;
  private final MeterRegistry registry;
  private final Object lock = new Object();
  // guarded by lock
  private final ArrayDeque<IncidentEvent> buffer = new ArrayDeque<>();
  private final AtomicBoolean flushing = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ThrottledLog failures = new ThrottledLog(log, Duration.ofMinutes(1));
  private volatile TlsMaterial tls = TlsMaterial.plaintext("hbsincidenthistory");
  private volatile ManagedChannel channel;
  private volatile HbsGrpc.HbsBlockingStub stub;
  private volatile ScheduledExecutorService ticker;

  /** @param sender this sender's consumer id, written with every entry */
  public HbsIncidentHistory(String address, String sender, Duration callTimeout, MeterRegistry registry) {
    this.address = address;
    this.sender = IncidentHistory.clip(sender, 128);
    this.callTimeout = callTimeout;
    this.registry = registry;
    registry.gauge("sender.incident.history.buffered", this, HbsIncidentHistory::buffered);
  }

  public HbsIncidentHistory tls(TlsMaterial tls) {
    this.tls = tls;
    return this;
  }

  @Override
  public String name() {
    return "sender-incident-history";
  }

  @Override
  public void start() {
    channel = GrpcChannels.forAddress(address, tls);
    stub = HbsGrpc.newBlockingStub(channel);
    ticker = NamedExecutors.scheduled("sender-incident-history");
    ticker.scheduleWithFixedDelay(this::flushQuietly, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    log.info("sender: incident history to hbs at {}", address);
  }

  @Override
  public void record(IncidentEvent entry) {
    IncidentEvent e = entry.toBuilder().setSender(sender).build();
    boolean dropped;
    synchronized (lock) {
      dropped = buffer.size() >= CAPACITY;
      if (dropped) {
        buffer.pollFirst();
      }
      buffer.addLast(e);
    }
    if (dropped) {
      registry.counter("sender.incident.history.dropped").increment();
    }
  }

  int buffered() {
    synchronized (lock) {
      return buffer.size();
    }
  }

  /**
   * Sends what is buffered now, in batches (the scheduled task does this every second; tests call it).
   *
   * @return entries hbs accepted
   * @throws StatusRuntimeException when hbs does not answer; the entries stay buffered
   */
  public int flushNow() {
    int accepted = 0;
    while (true) {
      List<IncidentEvent> batch = new ArrayList<>(BATCH);
      synchronized (lock) {
        while (batch.size() < BATCH && !buffer.isEmpty()) {
          batch.add(buffer.pollFirst());
        }
      }
      if (batch.isEmpty()) {
        return accepted;
      }
      try {
        accepted += stub.withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
            .recordIncidentEvents(IncidentEventBatch.newBuilder().addAllEvents(batch).build()).getAccepted();
        registry.counter("sender.incident.history.sent").increment(batch.size());
      } catch (RuntimeException e) {
        synchronized (lock) {
          // back to the front, oldest first; beyond the capacity the oldest go
          for (int i = batch.size() - 1; i >= 0; i--) {
            if (buffer.size() >= CAPACITY) {
              registry.counter("sender.incident.history.dropped").increment(i + 1);
              break;
            }
            buffer.addFirst(batch.get(i));
          }
        }
        throw e;
      }
    }
  }

  private void flushQuietly() {
    if (!flushing.compareAndSet(false, true)) {
      return;
    }
    try {
      flushNow();
    } catch (RuntimeException e) {
      registry.counter("sender.incident.history.failures").increment();
      failures.warn("sender: cannot send incident history to hbs {} ({}); {} entries wait", address,
          e instanceof StatusRuntimeException s ? s.getStatus().getCode() : e.toString(), buffered());
    } finally {
      flushing.set(false);
    }
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    if (ticker != null) {
      NamedExecutors.shutdown(ticker, "sender-incident-history", Duration.ofSeconds(2));
      flushQuietly();
      int left = buffered();
      if (left > 0) {
        log.warn("sender: stopped with {} incident history entries not sent to hbs; they are lost", left);
      }
    }
    if (channel != null) {
      GrpcChannels.close(channel);
    }
  }
}
