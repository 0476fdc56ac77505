package io.peregrine.sender.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.Map;
import java.util.Set;

/**
 * An IM robot webhook: one JSON text message per notice, POSTed to a fixed URL; the vendors differ only in the body,
 * in how a signature is attached, and in the body field that carries their error code.
 */
abstract class ChatRobotChannel implements Channel {
  static final ObjectMapper JSON = new ObjectMapper();
  final URI url;
  private final String name;
  private final HttpPoster poster;
  private final String codeField;
  private final Set<Integer> permanentCodes;

  /**
   * @param codeField the answer's error-code field ({@code errcode}, {@code code}), or null when the vendor
   *     answers errors by HTTP status alone
   * @param permanentCodes codes a retry would meet again
   */
  ChatRobotChannel(String name, URI url, HttpPoster poster, String codeField, Set<Integer> permanentCodes) {
    this.name = name;
    this.url = url;
    this.poster = poster;
    this.codeField = codeField;
    this.permanentCodes = permanentCodes;
  }

  /** The message in the vendor's format. */
  abstract ObjectNode body(Notice notice);

  /** Where to POST: the configured URL unless the vendor signs in the query. */
  URI target() {
    return url;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Family family() {
    return Family.TEXT;
  }

  @Override
  public final void send(Notice notice) throws ChannelException {
    String answer = poster.post(name, target(), "application/json", body(notice).toString(), Map.of());
    if (codeField != null) {
      ChatAnswer.check(name, url, answer, codeField, permanentCodes);
    }
  }
}
