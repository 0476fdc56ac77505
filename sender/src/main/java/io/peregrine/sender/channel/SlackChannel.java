package io.peregrine.sender.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.Map;

/**
 * A Slack incoming webhook ({@code https://hooks.slack.com/services/...}): {@code {"text": ...}}. Slack answers
 * {@code ok}, or a 4xx with the reason ({@code invalid_payload}, {@code no_service}), which is not retried.
 */
public final class SlackChannel implements Channel {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final URI url;
  private final HttpPoster poster;

  SlackChannel(URI url, HttpPoster poster) {
    this.url = url;
    this.poster = poster;
  }

  @Override
  public String name() {
    return "slack";
  }

  @Override
  public Family family() {
    return Family.TEXT;
  }

  @Override
  public void send(Notice notice) throws ChannelException {
    String body = JSON.createObjectNode().put("text", notice.messages().im()).toString();
    poster.post(name(), url, "application/json", body, Map.of());
  }
}
