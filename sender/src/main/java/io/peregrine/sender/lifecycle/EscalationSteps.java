package io.peregrine.sender.lifecycle;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertEventJson;
import io.peregrine.sender.channel.Channel;
import io.peregrine.sender.channel.ChannelException;
import io.peregrine.sender.channel.Notice;
import io.peregrine.sender.message.MessageFormatter;
import io.peregrine.sender.message.Messages;
import io.peregrine.sender.receiver.Escalation;
import io.peregrine.sender.receiver.Person;
import io.peregrine.sender.receiver.Recipients;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells one escalation step (or the OK of an escalated incident) on the sender's channels and writes it to the
 * incident history. A step's channel {@code sms} or {@code im} is the gateway of that name, {@code mail} both the
 * mail gateway and SMTP (whichever are on). Steps go straight out: not merged into digests, not rate-limited, not
 * held back by {@code smsMaxPriority} (the action asked for that channel).
 */
public final class EscalationSteps {
  /** One channel's send of a step: to whom, ok / failed / refused, and why. */
  record Sent(String channel, List<String> to, String result, String detail) {
  }

  /**
   * A step told: its overall result (ok when any send went out; failed when none did and one may be retried;
   * refused when nobody could be told), each send, and {@code channel|address} of everyone told.
   */
  record Outcome(String result, String remark, List<Sent> sends, List<String> told) {
  }

  private final List<Channel> channels;
  private final MessageFormatter formatter;
  private final IncidentHistory history;
  private final AckLinks links;
  private final Clock clock;

  /** @param links null = no acknowledgement link in the texts */
  public EscalationSteps(List<Channel> channels, MessageFormatter formatter, IncidentHistory history, AckLinks links,
      Clock clock) {
    this.channels = List.copyOf(channels);
    this.formatter = formatter;
    this.history = history;
    this.links = links;
    this.clock = clock;
  }

  private List<Channel> channelsFor(String stepChannel) {
    return channels.stream().filter(c -> c.contact() != null && (c.name().equals(stepChannel)
        || (stepChannel.equals("mail") && c.name().equals("smtp")))).toList();
  }

  Outcome tell(AlertEvent problem, Escalation.Step step, int index, int of) {
    String remark = "escalation step " + (index + 1) + " of " + of + ": team " + step.team();
    String link = links == null ? "" : links.link(problem.id(), clock.millis() / 1000);
    Messages texts = formatter.render(problem, remark, link);
    Recipients to = new Recipients(step.people(), Recipients.Status.RESOLVED, "");
    List<Sent> sends = new ArrayList<>();
    List<String> told = new ArrayList<>();
    List<Channel> on = channelsFor(step.channel());
    if (on.isEmpty()) {
      sends.add(new Sent(step.channel(), List.of(), "refused", "channel " + step.channel()
          + " is not on in this sender"));
    }
    for (Channel c : on) {
      List<String> addresses = to.addresses(c.contact());
      if (addresses.isEmpty()) {
        sends.add(new Sent(c.name(), List.of(), "refused", "team " + step.team() + " has nobody reachable by "
            + c.name()));
        continue;
      }
      Sent s = send(c, Notice.of(problem, AlertEventJson.write(problem), texts, to, addresses, remark));
      sends.add(s);
      if (s.result().equals("ok")) {
        addresses.forEach(a -> told.add(c.name() + "|" + a));
      }
    }
    String result = sends.stream().anyMatch(s -> s.result().equals("ok")) ? "ok"
        : sends.stream().anyMatch(s -> s.result().equals("failed")) ? "failed" : "refused";
    return new Outcome(result, remark, sends, told);
  }

  /** Writes each send of a step to the incident history, kind {@code escalated}. */
  void record(AlertEvent problem, Outcome o) {
    long now = clock.millis();
    for (Sent s : o.sends()) {
      history.record(IncidentHistory.send(problem, "escalated", now, s.channel(), s.to(), s.result(),
          s.detail().isEmpty() ? o.remark() : o.remark() + ": " + s.detail()));
    }
  }

  /**
   * Tells the OK to everyone an escalation step told ({@code channel|address}), one send per channel; recorded.
   *
   * @return the {@code channel|address} a send failed for and may be tried again
   */
  List<String> tellRecovery(AlertEvent ok, List<String> told) {
    List<String> failed = new ArrayList<>();
    Map<String, List<String>> byChannel = new LinkedHashMap<>();
    for (String t : told) {
      int bar = t.indexOf('|');
      if (bar > 0) {
        byChannel.computeIfAbsent(t.substring(0, bar), k -> new ArrayList<>()).add(t.substring(bar + 1));
      }
    }
    String remark = "recovery of an escalated incident";
    Messages texts = formatter.render(ok, remark, "");
    long now = clock.millis();
    byChannel.forEach((name, addresses) -> {
      Channel c = channels.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
      Sent s;
      if (c == null) {
        s = new Sent(name, addresses, "refused", "channel " + name + " is not on in this sender");
      } else {
        Recipients to = new Recipients(addresses.stream().map(a -> person(c, a)).toList(),
            Recipients.Status.RESOLVED, "");
        s = send(c, Notice.of(ok, AlertEventJson.write(ok), texts, to, addresses, remark));
        if (s.result().equals("failed")) {
          addresses.forEach(a -> failed.add(name + "|" + a));
        }
      }
      history.record(IncidentHistory.send(ok, "notified", now, name, addresses, s.result(),
          s.detail().isEmpty() ? remark : remark + ": " + s.detail()));
    });
    return failed;
  }

  /** A person known only by the address a step told them at. */
  private static Person person(Channel c, String address) {
    return switch (c.name()) {
      case "sms" -> new Person("", "", address, "");
      case "im" -> new Person("", "", "", address);
      default -> new Person("", address, "", "");
    };
  }

  private static Sent send(Channel c, Notice n) {
    try {
      c.send(n);
      return new Sent(c.name(), n.to(), "ok", "");
    } catch (ChannelException e) {
      return new Sent(c.name(), n.to(), e.permanent() ? "refused" : "failed", String.valueOf(e.getMessage()));
    } catch (RuntimeException e) {
      return new Sent(c.name(), n.to(), "failed", c.name() + " failed: " + e);
    }
  }
}
