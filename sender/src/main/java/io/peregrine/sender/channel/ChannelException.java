package io.peregrine.sender.channel;

/** A send failed; the message says where to and why (status code, timeout, refused), and is kept for dead letters. */
public final class ChannelException extends Exception {
  public ChannelException(String message) {
    super(message);
  }

  public ChannelException(String message, Throwable cause) {
    super(message, cause);
  }
}
