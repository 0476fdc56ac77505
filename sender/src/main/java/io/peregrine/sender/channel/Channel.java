package io.peregrine.sender.channel;

/**
 * One way of telling people about an event. A channel either sends, says there was nobody to send to, or throws:
 * the dispatcher retries a throwing channel (and only that one) until the event's attempts run out.
 */
public interface Channel {
  /** A short name for metrics and logs: console, webhook, sms, im, mail, smtp. */
  String name();

  Outcome send(Notice notice) throws ChannelException;

  enum Outcome {
    SENT,
    /** The event's receivers have no address of this channel's kind: nothing to do, not a failure. */
    NO_RECIPIENTS,
    /** The event is less urgent than this channel is for (SMS and IM: P0..P2 by default). */
    NOT_URGENT
  }
}
