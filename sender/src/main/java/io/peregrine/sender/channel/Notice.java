package io.peregrine.sender.channel;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.sender.message.Messages;
import io.peregrine.sender.receiver.Recipients;
import java.util.List;

/**
 * What a channel sends: one event, or a digest of several (merged low-priority events, or urgent ones a rate limit
 * held back), its texts, who the event goes to and the addresses this send is for.
 *
 * @param events one for an immediate notice; several, oldest first, for a digest
 * @param documents each event's JSON exactly as it was queued (fields this sender does not know included)
 * @param messages the texts of this notice (a digest's texts summarise all its events); null on an immediate
 *     notice to a channel that does not {@link Channel#usesTexts() use texts}
 * @param recipients the receivers as hbs gave them
 * @param to the addresses of this send (phones, emails, IM ids); {@code ["*"]} for a channel with one fixed
 *     destination
 * @param digest true when this notice summarises several events (or one that was held back)
 * @param remark a note added to the texts (e.g. an OK whose PROBLEM was never delivered), or empty
 */
public record Notice(List<AlertEvent> events, List<String> documents, Messages messages, Recipients recipients, List<String> to,
    boolean digest, String remark) {
  public Notice {
    events = List.copyOf(events);
    documents = List.copyOf(documents);
    to = List.copyOf(to);
    remark = remark == null ? "" : remark;
    if (events.isEmpty()) {
      throw new IllegalArgumentException("a notice needs at least one event");
    }
    if (documents.size() != events.size()) {
      throw new IllegalArgumentException("a notice needs one document per event");
    }
  }

  /** An immediate notice of one event. */
  public static Notice of(AlertEvent event, String document, Messages messages, Recipients recipients,
      List<String> to, String remark) {
    return new Notice(List.of(event), List.of(document), messages, recipients, to, false, remark);
  }

  /** The first (for an immediate notice: the only) event. */
  public AlertEvent event() {
    return events.get(0);
  }
}
