package io.peregrine.sender.deliver;

import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertQueueException;
import io.peregrine.common.server.ThrottledLog;
import io.peregrine.sender.channel.CallbackChannel;
import io.peregrine.sender.channel.Channel;
import io.peregrine.sender.channel.ChannelException;
import io.peregrine.sender.channel.Notice;
import io.peregrine.sender.claim.DeliveryClaims;
import io.peregrine.sender.lifecycle.IncidentGate;
import io.peregrine.sender.message.MessageFormatter;
import io.peregrine.sender.message.Messages;
import io.peregrine.sender.receiver.Callback;
import io.peregrine.sender.receiver.ReceiverDirectory;
import io.peregrine.sender.receiver.Recipients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over one event: receivers, texts, then every (channel, receiver) send that is not done yet.
 *
 * <ul>
 *   <li>urgency: a channel skips events less urgent than its {@code maxPriority} (SMS, IM);
 *   <li>merging: on channels people read, events of {@code mergeFromPriority} and less urgent go to the digests;
 *   <li>rate limit: an urgent PROBLEM beyond a receiver's allowance on a channel goes to a held-back digest
 *       (recoveries are never held);
 *   <li>the rest is claimed per (event, channel, receiver) and sent at once; what was told before is suppressed;
 *   <li>an action with a callback: the channels its {@code before_callback_sms/mail} flags name go first, then the
 *       callback (claimed as channel {@code callback}), then, once the callback succeeded, those its
 *       {@code after_callback_*} flags name; texts and mails no flag names are skipped
 *       ({@code reason=callback_flags}); none of them is merged or rate-limited (Open-Falcon sends them straight).
 * </ul>
 * Counted: {@code sender_delivered_total{channel}}, {@code sender_skipped_total{channel,reason}},
 * {@code sender_failed_total{channel}}, {@code sender_duplicates_suppressed_total{channel}}. Never throws: a broken
 * channel fails only itself.
 */
final class Deliverer {
  private static final Logger log = LoggerFactory.getLogger(Deliverer.class);
  static final String FIXED = "*";

  enum Result {
    /** Every send is done. */
    DONE,
    /** Some sends wait in digests; the digests hand the attempt back when they are sent. */
    PARKED,
    /** Some sends failed and may be retried. */
    RETRY,
    /** Nothing is left to retry, but a channel refused the event for good. */
    REJECTED
  }

  private final List<Channel> channels;
  private final ReceiverDirectory receivers;
  private final MessageFormatter formatter;
  private final Claims claims;
  private final Digests digests;
  private final RateLimiter limiter;
  private final int mergeFromPriority;
  private final MeterRegistry registry;
  private final ThrottledLog failures = new ThrottledLog(log, Duration.ofSeconds(10));
  private final IncidentGate gate;

  Deliverer(List<Channel> channels, ReceiverDirectory receivers, MessageFormatter formatter, Claims claims,
      Digests digests, RateLimiter limiter, int mergeFromPriority, MeterRegistry registry, IncidentGate gate) {
    this.gate = gate;
    this.channels = List.copyOf(channels);
    this.receivers = receivers;
    this.formatter = formatter;
    this.claims = claims;
    this.digests = digests;
    this.limiter = limiter;
    this.mergeFromPriority = mergeFromPriority;
    this.registry = registry;
  }

  Result attempt(Attempt a) {
    a.errors.clear();
    a.parked.incrementAndGet(); // held while this pass runs, so a digest sent meanwhile cannot hand it back early
    int left;
    try {
      pass(a);
    } finally {
      left = a.parked.decrementAndGet();
    }
    return left > 0 ? Result.PARKED : result(a); // when parked, the last digest to go hands the attempt back
  }

  private void pass(Attempt a) {
    AlertEvent event = a.event();
    // rendered on first use: the generic webhook and the callback send the document, not the texts
    Supplier<Messages> messages = memo(() -> formatter.render(event, a.remark, a.ackLink));
    Recipients recipients;
    try {
      recipients = recipients(event);
    } catch (RuntimeException e) {
      // a bug, not an outage: every channel left fails, and the event ends as a dead letter with the reason
      for (Channel c : channels) {
        if (!a.rejected.containsKey(c.name())) {
          fail(a, c, "cannot prepare event " + event.id() + ": " + e, false);
        }
      }
      return;
    }
    int priority = MessageFormatter.priorityOf(event);
    Callback callback = recipients.callback();
    if (callback == null) {
      for (Channel c : channels) {
        if (!isCallback(c) && !a.rejected.containsKey(c.name())) {
          run(a, c, priority, messages, recipients, false);
        }
      }
      return;
    }
    // Open-Falcon's HandleCallback: the flagged texts/mails before the call, the call, the flagged ones after it;
    // sent straight (no digest, no rate limit), as Open-Falcon does for an action with a callback
    for (Channel c : channels) {
      if (!isCallback(c) && phase(c, callback) == Phase.BEFORE && !a.rejected.containsKey(c.name())) {
        run(a, c, priority, messages, recipients, true);
      }
    }
    for (Channel c : channels) {
      if (isCallback(c) && !a.rejected.containsKey(c.name())) {
        run(a, c, priority, messages, recipients, true);
      }
    }
    boolean called = a.done.contains(Claims.doneKey(CallbackChannel.NAME, FIXED));
    for (Channel c : channels) {
      Phase phase = isCallback(c) ? Phase.BEFORE : phase(c, callback);
      if (phase == Phase.NEVER) {
        skip(a, c.name(), "callback_flags");
      } else if (phase == Phase.AFTER && called && !a.rejected.containsKey(c.name())) {
        // until the call succeeds its error keeps the event retrying (or dead-letters it), so these wait
        run(a, c, priority, messages, recipients, true);
      }
    }
  }

  private enum Phase { BEFORE, AFTER, NEVER }

  /** When a channel goes for an action with a callback; "before" wins when both flags are set (told once). */
  private static Phase phase(Channel c, Callback cb) {
    return switch (c.family()) {
      case OTHER -> Phase.BEFORE;
      case TEXT -> cb.beforeSms() ? Phase.BEFORE : cb.afterSms() ? Phase.AFTER : Phase.NEVER;
      case MAIL -> cb.beforeMail() ? Phase.BEFORE : cb.afterMail() ? Phase.AFTER : Phase.NEVER;
    };
  }

  private static boolean isCallback(Channel c) {
    return c instanceof CallbackChannel;
  }

  private static Result result(Attempt a) {
    if (!a.errors.isEmpty()) {
      return Result.RETRY;
    }
    return a.rejected.isEmpty() ? Result.DONE : Result.REJECTED;
  }

  private static Supplier<Messages> memo(Supplier<Messages> render) {
    Messages[] once = new Messages[1];
    return () -> once[0] != null ? once[0] : (once[0] = render.get());
  }

  /** @param direct true to send at once, neither merged nor rate-limited (an action with a callback) */
  private void run(Attempt a, Channel c, int priority, Supplier<Messages> messages, Recipients recipients,
      boolean direct) {
    String name = c.name();
    if (priority > c.maxPriority()) {
      skip(a, name, "not_urgent");
      return;
    }
    List<String> addresses;
    if (c.contact() == null) {
      addresses = List.of(FIXED);
    } else if (!recipients.known()) {
      fail(a, c, name + ": receivers unknown: " + recipients.detail(), false);
      return;
    } else {
      addresses = recipients.addresses(c.contact());
    }
    if (addresses.isEmpty()) {
      skip(a, name, "no_recipients");
      return;
    }
    List<String> now = new ArrayList<>();
    for (String address : addresses) {
      if (a.done.contains(Claims.doneKey(name, address))) {
        continue;
      }
      if (direct) {
        now.add(address);
      } else if (c.forPeople() && priority >= mergeFromPriority) {
        a.parked.incrementAndGet();
        digests.add(c, address, a, recipients, false);
      } else if (c.forPeople() && a.event().isProblem() && !limiter.tryAcquire(name + "|" + address)) {
        registry.counter("sender.rate_limited", "channel", name).increment();
        a.parked.incrementAndGet();
        digests.add(c, address, a, recipients, true);
      } else {
        now.add(address);
      }
    }
    if (!now.isEmpty()) {
      sendNow(a, c, now, messages, recipients);
    }
  }

  private void sendNow(Attempt a, Channel c, List<String> addresses, Supplier<Messages> messages,
      Recipients recipients) {
    String name = c.name();
    List<String> keys = new ArrayList<>(addresses.size());
    for (String address : addresses) {
      keys.add(Claims.key(a.event(), name, address));
    }
    List<DeliveryClaims.State> states;
    try {
      states = claims.claim(keys);
    } catch (AlertQueueException | RuntimeException e) {
      fail(a, c, name + ": cannot claim the send (" + e.getMessage() + ")", false);
      return;
    }
    List<String> to = new ArrayList<>();
    List<String> claimed = new ArrayList<>();
    boolean busy = false;
    for (int i = 0; i < addresses.size(); i++) {
      switch (states.get(i)) {
        case CLAIMED -> {
          to.add(addresses.get(i));
          claimed.add(keys.get(i));
        }
        case SENT -> {
          registry.counter("sender.duplicates.suppressed", "channel", name).increment();
          a.done.add(Claims.doneKey(name, addresses.get(i)));
        }
        case BUSY -> busy = true;
      }
    }
    if (!to.isEmpty()) {
      try {
        c.send(Notice.of(a.event(), a.delivery.raw(), c.usesTexts() ? messages.get() : null, recipients, to,
            a.remark));
        claims.confirm(claimed);
        for (String address : to) {
          a.done.add(Claims.doneKey(name, address));
        }
        registry.counter("sender.delivered", "channel", name).increment();
        gate.notified(a.event(), name, to, "ok", "");
      } catch (ChannelException e) {
        claims.releaseQuietly(claimed);
        gate.notified(a.event(), name, to, e.permanent() ? "refused" : "failed", e.getMessage());
        fail(a, c, e.getMessage(), e.permanent());
        return;
      } catch (RuntimeException e) {
        claims.releaseQuietly(claimed);
        gate.notified(a.event(), name, to, "failed", e.toString());
        fail(a, c, name + " failed: " + e, false);
        return;
      }
    }
    if (busy) {
      fail(a, c, name + ": another sender is telling this event right now", false);
    }
  }

  private Recipients recipients(AlertEvent event) {
    try {
      return receivers.lookup(event.actionId());
    } catch (RuntimeException e) {
      return Recipients.unknown("receiver lookup failed: " + e);
    }
  }

  private void skip(Attempt a, String channel, String reason) {
    if (a.skipped.add(channel)) {
      registry.counter("sender.skipped", "channel", channel, "reason", reason).increment();
    }
  }

  private void fail(Attempt a, Channel c, String why, boolean permanent) {
    registry.counter("sender.failed", "channel", c.name()).increment();
    (permanent ? a.rejected : a.errors).put(c.name(), why);
    failures.warn("sender: event {} attempt {}{}: {}", a.event().id(), a.attempts,
        permanent ? " (refused, not retried)" : "", why);
  }
}
