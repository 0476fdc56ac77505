package io.peregrine.transfer.send;

/**
 * A send that did not go through. {@link Kind#RETRY}: the destination is away or busy (send the same again later);
 * {@link Kind#SUSPECT}: it failed on its side in a way that may be caused by the batch (retried a few times, then
 * split); {@link Kind#REFUSED}: it will never take this batch as it is (split at once to find the bad samples).
 */
public final class SendException extends Exception {
  public enum Kind { RETRY, SUSPECT, REFUSED }

  private final Kind kind;
  private final String reason;

  public SendException(Kind kind, String reason, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.reason = reason;
  }

  public Kind kind() {
    return kind;
  }

  /** A short metric-friendly reason: {@code status_invalid_argument}, {@code http_400}. */
  public String reason() {
    return reason;
  }
}
