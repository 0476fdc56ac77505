package io.peregrine.sender.lifecycle;

import java.util.regex.Pattern;

/**
 * The checks an acknowledgement's input passes, shared by the API and the link page: an event id as the judges
 * write them (at most {@value #MAX_ID_LENGTH} characters of letters, digits and {@code _.:-}), who (1..
 * {@value #MAX_BY_LENGTH} characters without control characters) and a comment of at most
 * {@value #MAX_COMMENT_LENGTH}.
 */
final class AckRequest {
  static final int MAX_ID_LENGTH = 255;
  static final int MAX_BY_LENGTH = 64;
  static final int MAX_COMMENT_LENGTH = 1024;
  /** Bodies of the ack routes: a name and a comment fit in far less. */
  static final int MAX_BODY_BYTES = 8 * 1024;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1," + MAX_ID_LENGTH + "}");

  private AckRequest() {}

  /** Null when the id is one an event can have, else what is wrong. */
  static String badId(String id) {
    return id != null && ID.matcher(id).matches() ? null
        : "the incident id must be an event id (letters, digits, '_', '.', ':', '-'; 1.." + MAX_ID_LENGTH
            + " characters)";
  }

  /** Null when who and comment may be stored, else what is wrong. */
  static String badAck(String by, String comment) {
    if (by == null || by.isBlank()) {
      return "'by' (who acknowledges) is required";
    }
    if (by.length() > MAX_BY_LENGTH || by.chars().anyMatch(Character::isISOControl)) {
      return "'by' must be 1.." + MAX_BY_LENGTH + " characters without control characters";
    }
    if (comment != null && comment.length() > MAX_COMMENT_LENGTH) {
      return "'comment' is " + comment.length() + " characters long; at most " + MAX_COMMENT_LENGTH;
    }
    return null;
  }
}
