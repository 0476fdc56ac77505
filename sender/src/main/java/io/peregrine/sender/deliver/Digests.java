package io.peregrine.sender.deliver;

import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertQueueException;
import io.peregrine.common.server.ThrottledLog;
import io.peregrine.sender.channel.Channel;
import io.peregrine.sender.channel.ChannelException;
import io.peregrine.sender.channel.Notice;
import io.peregrine.sender.claim.DeliveryClaims;
import io.peregrine.sender.lifecycle.IncidentGate;
import io.peregrine.sender.message.MessageFormatter;
import io.peregrine.sender.message.Messages;
import io.peregrine.sender.receiver.Recipients;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges events per (channel, receiver[, group-by keys]) over a window into one digest message: low-priority events
 * (Open-Falcon merges P3..P6 each minute) and urgent PROBLEMs the rate limit held back. A bucket opens with its
 * first event and is sent {@code window} later; its events stay unacknowledged until then, so a crash loses none.
 * Each event of a digest is claimed like a single send (one claim per event, receiver and channel), so a digest
 * never repeats what was already told. Counted: {@code sender_digests_sent_total{channel,kind}},
 * {@code sender_digest_events_total{channel}}, gauge {@code sender_digest_buckets}.
 */
final class Digests {
  private static final Logger log = LoggerFactory.getLogger(Digests.class);

  private final Clock clock;
  private final long windowMillis;
  private final List<String> groupBy;
  private final int lines;
  private final MessageFormatter formatter;
  private final Claims claims;
  private final MeterRegistry registry;
  private final Consumer<Attempt> settled;
  private final IncidentGate history;
  private final ThrottledLog failures = new ThrottledLog(log, Duration.ofSeconds(10));
  private final Object lock = new Object();
  private final Map<String, Bucket> buckets = new LinkedHashMap<>();
  private final AtomicInteger bucketCount = new AtomicInteger();

  private static final class Bucket {
    final Channel channel;
    final String address;
    final boolean heldBack;
    final long dueMillis;
    final List<Attempt> members = new ArrayList<>();
    Recipients recipients;

    Bucket(Channel channel, String address, boolean heldBack, long dueMillis) {
      this.channel = channel;
      this.address = address;
      this.heldBack = heldBack;
      this.dueMillis = dueMillis;
    }
  }

  /**
   * @param settled called with an attempt whose last digest was just sent (or failed)
   * @param history told of each event's part in a digest send, as a single send is ({@code notified})
   */
  Digests(Clock clock, Duration window, List<String> groupBy, int lines, MessageFormatter formatter, Claims claims,
      MeterRegistry registry, Consumer<Attempt> settled, IncidentGate history) {
    this.clock = clock;
    this.windowMillis = window.toMillis();
    this.groupBy = List.copyOf(groupBy);
    this.lines = lines;
    this.formatter = formatter;
    this.claims = claims;
    this.registry = registry;
    this.settled = settled;
    this.history = history;
    registry.gauge("sender.digest.buckets", bucketCount);
  }

  /** Parks one send of {@code a} (channel, address) in its bucket; the caller counted it in {@code a.parked}. */
  void add(Channel channel, String address, Attempt a, Recipients recipients, boolean heldBack) {
    String key = channel.name() + "\u0000" + address + "\u0000" + heldBack + "\u0000" + group(a.event());
    synchronized (lock) {
      Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(channel, address, heldBack,
          clock.millis() + windowMillis));
      b.members.add(a);
      b.recipients = recipients;
      bucketCount.set(buckets.size());
    }
    registry.counter(heldBack ? "sender.held" : "sender.merged", heldBack ? "reason" : "channel",
        heldBack ? "rate_limit" : channel.name()).increment();
  }

  private String group(AlertEvent e) {
    if (groupBy.isEmpty()) {
      return "";
    }
    StringBuilder g = new StringBuilder();
    for (String k : groupBy) {
      g.append(switch (k) {
        case "endpoint" -> String.valueOf(e.endpoint());
        case "metric" -> String.valueOf(e.metric());
        default -> e.strategy() != null ? "s" + e.strategy().id() : e.expression() != null
            ? "e" + e.expression().id() : "";
      }).append('\u0000');
    }
    return g.toString();
  }

  /** Sends every bucket whose window is over; returns how many digests were sent. */
  int flushDue() {
    long now = clock.millis();
    List<Bucket> due = new ArrayList<>();
    synchronized (lock) {
      buckets.values().removeIf(b -> {
        if (b.dueMillis <= now) {
          due.add(b);
          return true;
        }
        return false;
      });
      bucketCount.set(buckets.size());
    }
    // one receiver's channels (and receivers of one team) usually hold the same events: write those texts once
    Map<List<Object>, Messages> texts = new HashMap<>();
    Map<Channel, List<Prepared>> byChannel = new LinkedHashMap<>();
    for (Bucket b : due) {
      Prepared p = prepare(b, texts);
      if (p != null) {
        byChannel.computeIfAbsent(b.channel, c -> new ArrayList<>()).add(p);
      } else {
        b.members.forEach(this::release);
      }
    }
    int sent = 0;
    for (Map.Entry<Channel, List<Prepared>> e : byChannel.entrySet()) {
      List<Prepared> batch = e.getValue();
      List<ChannelException> outcomes;
      try {
        // one call per channel and flush: SMTP sends the whole batch over one connection
        outcomes = e.getKey().sendAll(batch.stream().map(Prepared::notice).toList());
      } catch (RuntimeException ex) {
        ChannelException failure = new ChannelException(e.getKey().name() + " failed: " + ex, ex);
        outcomes = java.util.Collections.nCopies(batch.size(), failure);
      }
      for (int i = 0; i < batch.size(); i++) {
        if (settle(batch.get(i), outcomes.get(i))) {
          sent++;
        }
      }
    }
    return sent;
  }

  /** Buckets waiting for their window to end. */
  int size() {
    synchronized (lock) {
      return buckets.size();
    }
  }

  private record Prepared(Bucket bucket, List<Attempt> toTell, List<String> keys, Notice notice) {}

  /** Claims the bucket's events; null when none is left to tell (all told before, or the claims failed). */
  private Prepared prepare(Bucket b, Map<List<Object>, Messages> texts) {
    String channel = b.channel.name();
    List<Attempt> members = new ArrayList<>(b.members);
    members.sort(Comparator.comparingLong((Attempt a) -> a.event().eventTime()).thenComparingLong(a -> a.seq));
    List<String> keys = new ArrayList<>(members.size());
    for (Attempt a : members) {
      keys.add(Claims.key(a.event(), channel, b.address));
    }
    List<Attempt> toTell = new ArrayList<>();
    List<String> toTellKeys = new ArrayList<>();
    try {
      List<DeliveryClaims.State> states = claims.claim(keys);
      for (int i = 0; i < members.size(); i++) {
        Attempt a = members.get(i);
        switch (states.get(i)) {
          case CLAIMED -> {
            toTell.add(a);
            toTellKeys.add(keys.get(i));
          }
          case SENT -> {
            registry.counter("sender.duplicates.suppressed", "channel", channel).increment();
            a.done.add(Claims.doneKey(channel, b.address));
          }
          case BUSY -> a.errors.put(channel, channel + " " + b.address + ": another sender is telling this event");
        }
      }
    } catch (AlertQueueException | RuntimeException e) {
      for (Attempt a : members) {
        a.errors.put(channel, channel + ": cannot claim the digest (" + e.getMessage() + ")");
      }
      return null;
    }
    if (toTell.isEmpty()) {
      return null;
    }
    List<AlertEvent> events = toTell.stream().map(Attempt::event).toList();
    List<String> docs = toTell.stream().map(a -> a.delivery.raw()).toList();
    List<Object> textKey = new ArrayList<>(toTell);
    textKey.add(b.heldBack);
    Messages m = texts.computeIfAbsent(textKey, k -> formatter.digest(events, lines, b.heldBack));
    return new Prepared(b, toTell, toTellKeys,
        new Notice(events, docs, m, b.recipients, List.of(b.address), true, ""));
  }

  /** Records what one digest send did on each of its events, then hands back those that wait for nothing else. */
  private boolean settle(Prepared p, ChannelException failure) {
    Bucket b = p.bucket();
    String channel = b.channel.name();
    boolean sent = failure == null;
    String result = sent ? "ok" : failure.permanent() ? "refused" : "failed";
    String detail = (sent ? "" : failure.getMessage() + "; ") + "digest of " + p.toTell().size() + " events";
    for (Attempt a : p.toTell()) {
      history.notified(a.event(), channel, List.of(b.address), result, detail);
    }
    if (sent) {
      claims.confirm(p.keys());
      for (Attempt a : p.toTell()) {
        a.done.add(Claims.doneKey(channel, b.address));
      }
      registry.counter("sender.digests.sent", "channel", channel, "kind", b.heldBack ? "held" : "merged")
          .increment();
      registry.counter("sender.digest.events", "channel", channel).increment(p.toTell().size());
      registry.counter("sender.delivered", "channel", channel).increment();
    } else {
      registry.counter("sender.failed", "channel", channel).increment();
      failures.warn("sender: digest of {} events to {} on {} failed: {}", p.toTell().size(), b.address, channel,
          failure.getMessage());
      claims.releaseQuietly(p.keys());
      for (Attempt a : p.toTell()) {
        (failure.permanent() ? a.rejected : a.errors).put(channel, failure.getMessage());
      }
    }
    b.members.forEach(this::release);
    return sent;
  }

  private void release(Attempt a) {
    if (a.parked.decrementAndGet() == 0) {
      a.fromDigest = true;
      settled.accept(a);
    }
  }
}
