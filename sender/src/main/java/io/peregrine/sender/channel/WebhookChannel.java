package io.peregrine.sender.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peregrine.common.event.AlertEvent;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * POSTs the event as JSON, the whole document the judge put in Redis, unknown fields included (so a judge newer
 * than this sender loses nothing on the way). The header {@code X-Peregrine-Event-Key} carries the event key, so a
 * receiver can drop the rare duplicate a crash at the wrong moment brings; {@code X-Peregrine-Remark} carries a
 * remark when there is one. A digest is {@code {"digest":true,"count":n,"events":[...]}} with header
 * {@code X-Peregrine-Digest: n}.
 */
public final class WebhookChannel implements Channel {
  private static final ObjectMapper JSON = new ObjectMapper();
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
  public boolean forPeople() {
    return false;
  }

  @Override
  public boolean usesTexts() {
    return false;
  }

  @Override
  public void send(Notice notice) throws ChannelException {
    Map<String, String> headers = new LinkedHashMap<>();
    if (!notice.remark().isEmpty()) {
      headers.put("X-Peregrine-Remark", notice.remark().replaceAll("[\\r\\n]", " "));
    }
    if (!notice.digest()) {
      AlertEvent e = notice.event();
      headers.put("X-Peregrine-Event-Key", keyOf(e));
      poster.post(name(), url, "application/json", notice.documents().get(0), headers);
      return;
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("digest", true);
    body.put("count", notice.events().size());
    ArrayNode events = body.putArray("events");
    for (String doc : notice.documents()) {
      try {
        events.add(JSON.readTree(doc));
      } catch (java.io.IOException e) {
        events.add(doc); // cannot happen for a taken event (it parsed); kept as text rather than lost
      }
    }
    headers.put("X-Peregrine-Digest", String.valueOf(notice.events().size()));
    poster.post(name(), url, "application/json", body.toString(), headers);
  }

  static String keyOf(AlertEvent e) {
    return e.eventKey() != null ? e.eventKey() : AlertEvent.keyOf(e.id(), e.status(), e.eventTime(),
        e.currentStep());
  }
}
