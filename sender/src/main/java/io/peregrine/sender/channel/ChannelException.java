package io.peregrine.sender.channel;

/**
 * A send failed; the message says where to and why (status code, timeout, refused), and is kept for dead letters.
 * A permanent failure (the gateway refused the request itself, e.g. HTTP 400) is not retried: the same request
 * would be refused again, so the event is dead-lettered at once instead of hammering the gateway.
 */
public final class ChannelException extends Exception {
  private final boolean permanent;

  public ChannelException(String message) {
    this(message, null, false);
  }

  public ChannelException(String message, Throwable cause) {
    this(message, cause, false);
  }

  public ChannelException(String message, Throwable cause, boolean permanent) {
    super(message, cause);
    this.permanent = permanent;
  }

  public boolean permanent() {
    return permanent;
  }
}
