package io.peregrine.common.json;

/** The body is not a JSON array of samples at all (as opposed to containing a bad sample); nothing was accepted. */
public final class MalformedBatchException extends Exception {
  private final boolean tooLarge;

  public MalformedBatchException(String message, boolean tooLarge, Throwable cause) {
    super(message, cause);
    this.tooLarge = tooLarge;
  }

  /** True when the batch broke a size limit (HTTP 413) rather than the syntax (HTTP 400). */
  public boolean tooLarge() {
    return tooLarge;
  }
}
