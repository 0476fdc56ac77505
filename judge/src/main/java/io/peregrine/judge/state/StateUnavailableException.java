package io.peregrine.judge.state;

/** The state store could not be read; the message names the store and the cause. */
public final class StateUnavailableException extends Exception {
  public StateUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
