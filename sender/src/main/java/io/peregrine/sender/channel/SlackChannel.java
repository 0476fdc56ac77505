package io.peregrine.sender.channel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.Set;

/**
 * A Slack incoming webhook ({@code https://hooks.slack.com/services/...}): {@code {"text": ...}}. Slack answers
 * {@code ok}, or a 4xx with the reason ({@code invalid_payload}, {@code no_service}), which is not retried.
 */
public final class SlackChannel extends ChatRobotChannel {
  SlackChannel(URI url, HttpPoster poster) {
    super("slack", url, poster, null, Set.of());
  }

  @Override
  ObjectNode body(Notice notice) {
    return JSON.createObjectNode().put("text", notice.messages().im());
  }
}
