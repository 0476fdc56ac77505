package io.peregrine.sender.deliver;

import io.peregrine.common.server.ThrottledLog;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.sender.channel.Channel;
import io.peregrine.sender.channel.ChannelException;
import io.peregrine.sender.channel.Notice;
import io.peregrine.sender.message.MessageFormatter;
import io.peregrine.sender.receiver.ReceiverDirectory;
import io.peregrine.sender.receiver.Recipients;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One delivery attempt of one event: receivers, texts, then every channel that is not done yet. Each outcome is
 * counted: {@code sender_delivered_total{channel}}, {@code sender_skipped_total{channel,reason}},
 * {@code sender_failed_total{channel}}. Never throws: a broken channel fails only itself.
 */
final class Deliverer {
  private static final Logger log = LoggerFactory.getLogger(Deliverer.class);

  private final List<Channel> channels;
  private final ReceiverDirectory receivers;
  private final MessageFormatter formatter;
  private final MeterRegistry registry;
  private final ThrottledLog failures = new ThrottledLog(log, Duration.ofSeconds(10));

  Deliverer(List<Channel> channels, ReceiverDirectory receivers, MessageFormatter formatter, MeterRegistry registry) {
    this.channels = List.copyOf(channels);
    this.receivers = receivers;
    this.formatter = formatter;
    this.registry = registry;
  }

  /** @return true when every channel is done with the event */
  boolean attempt(Attempt a) {
    AlertEvent event = a.delivery.event();
    Notice notice;
    try {
      notice = new Notice(event, formatter.render(event), recipients(event));
    } catch (RuntimeException e) {
      // a bug, not an outage: every channel fails this attempt, and the event ends as a dead letter with the reason
      for (Channel c : channels) {
        if (!a.done.contains(c.name())) {
          fail(a, c, "cannot prepare event " + event.id() + ": " + e);
        }
      }
      return false;
    }
    for (Channel c : channels) {
      if (a.done.contains(c.name())) {
        continue;
      }
      try {
        Channel.Outcome outcome = c.send(notice);
        a.done.add(c.name());
        a.errors.remove(c.name());
        if (outcome == Channel.Outcome.SENT) {
          registry.counter("sender.delivered", "channel", c.name()).increment();
        } else {
          registry.counter("sender.skipped", "channel", c.name(), "reason",
              outcome == Channel.Outcome.NO_RECIPIENTS ? "no_recipients" : "not_urgent").increment();
        }
      } catch (ChannelException e) {
        fail(a, c, e.getMessage());
      } catch (RuntimeException e) {
        fail(a, c, c.name() + " failed: " + e);
      }
    }
    return a.done.size() == channels.size();
  }

  private Recipients recipients(AlertEvent event) {
    try {
      return receivers.lookup(event.actionId());
    } catch (RuntimeException e) {
      return Recipients.unknown("receiver lookup failed: " + e);
    }
  }

  private void fail(Attempt a, Channel c, String why) {
    registry.counter("sender.failed", "channel", c.name()).increment();
    a.errors.put(c.name(), why);
    failures.warn("sender: event {} attempt {}: {}", a.delivery.event().id(), a.attempts, why);
  }
}
