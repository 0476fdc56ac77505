package io.peregrine.sender.channel;

import io.peregrine.common.event.AlertQueues;
import io.peregrine.sender.receiver.Person;
import java.util.function.Function;

/**
 * One way of telling people about an event (or a digest of events). The dispatcher decides who is told on which
 * channel (addresses, urgency, claims against telling anyone twice); the channel only sends to {@link Notice#to()}
 * or throws a {@link ChannelException}, which is retried unless it is {@link ChannelException#permanent()}.
 */
public interface Channel {
  /** A short name for metrics, logs and claims: console, webhook, sms, im, mail, smtp, dingtalk, ... */
  String name();

  /**
   * Which flag of an action with a callback governs this channel: Open-Falcon's {@code *_callback_sms} flags the
   * texts (SMS, IM, chat robots), {@code *_callback_mail} the mails; the rest (console, webhook) is not the action's.
   */
  enum Family { TEXT, MAIL, OTHER }

  default Family family() {
    return Family.OTHER;
  }

  /**
   * How a person is reached on this channel (phone, email, IM id); null for a channel that goes to one configured
   * place (console, webhooks): the event is told there once, whoever its receivers are.
   */
  default Function<Person, String> contact() {
    return null;
  }

  /** The least urgent priority this channel is for (SMS and IM: {@code smsMaxPriority}); the rest is skipped. */
  default int maxPriority() {
    return AlertQueues.MAX_PRIORITY;
  }

  /**
   * True for channels people read (SMS, IM, mail, chats): those get low-priority events merged into digests and
   * are rate-limited per receiver. Console and the generic webhook (read by programs) get every event at once.
   */
  default boolean forPeople() {
    return true;
  }

  /**
   * False for channels that send the event document rather than texts (the generic webhook, callbacks): their
   * immediate notices carry no {@link Notice#messages()} (null), which saves rendering them.
   */
  default boolean usesTexts() {
    return true;
  }

  void send(Notice notice) throws ChannelException;

  /**
   * Sends the notices of one digest flush; the default sends them one by one, SMTP over one connection.
   *
   * @return per notice, null when it was sent, else why not
   */
  default java.util.List<ChannelException> sendAll(java.util.List<Notice> notices) {
    java.util.List<ChannelException> out = new java.util.ArrayList<>(notices.size());
    for (Notice n : notices) {
      try {
        send(n);
        out.add(null);
      } catch (ChannelException e) {
        out.add(e);
      } catch (RuntimeException e) {
        out.add(new ChannelException(name() + " failed: " + e, e));
      }
    }
    return out;
  }
}
