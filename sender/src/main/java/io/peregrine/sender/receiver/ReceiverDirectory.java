package io.peregrine.sender.receiver;

/** Answers who is told about events of an action. Never throws: trouble is a {@link Recipients.Status}. */
public interface ReceiverDirectory {
  Recipients lookup(long actionId);

  /** For senders without hbs: nobody beyond the console and the webhook. */
  ReceiverDirectory OFF = actionId -> Recipients.none("no receiver lookup, sender.hbsAddress is empty");
}
