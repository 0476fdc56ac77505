package io.peregrine.sender.channel;

import io.peregrine.sender.receiver.Person;
import java.util.List;
import java.util.function.Function;

/** The addresses a channel sends to; fails (so the channel is retried) while the receivers are unknown. */
final class Addresses {
  private Addresses() {}

  static List<String> of(String channel, Notice notice, Function<Person, String> contact) throws ChannelException {
    if (!notice.recipients().known()) {
      throw new ChannelException(channel + ": receivers unknown: " + notice.recipients().detail());
    }
    return notice.recipients().addresses(contact);
  }
}
