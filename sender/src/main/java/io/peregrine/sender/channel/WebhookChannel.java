package io.peregrine.sender.channel;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertEventJson;
import java.net.URI;
import java.util.Map;

/**
 * POSTs the event as JSON (the same document the judge put in Redis) to one URL. The header
 * {@code X-Peregrine-Event-Key} carries the event key, so a receiver can drop the duplicates at-least-once delivery
 * may bring.
 */
public final class WebhookChannel implements Channel {
  private final URI url;
  private final HttpPoster poster;

  WebhookChannel(URI url, HttpPoster poster) {
    this.url = url;
    this.poster = poster;
  }

  @Override
  public String name() {
    return "webhook";
  }

  @Override
  public Outcome send(Notice notice) throws ChannelException {
    AlertEvent e = notice.event();
    String key = e.eventKey() != null ? e.eventKey() : AlertEvent.keyOf(e.id(), e.status(), e.eventTime(),
        e.currentStep());
    poster.post(name(), url, "application/json", AlertEventJson.write(e), Map.of("X-Peregrine-Event-Key", key));
    return Outcome.SENT;
  }
}
