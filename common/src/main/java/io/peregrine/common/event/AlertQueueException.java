package io.peregrine.common.event;

/** The alert queue refused or could not be reached; the message says which queue and why. */
public final class AlertQueueException extends Exception {
  public AlertQueueException(String message, Throwable cause) {
    super(message, cause);
  }
}
