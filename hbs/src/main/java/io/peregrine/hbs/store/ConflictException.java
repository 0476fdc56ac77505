package io.peregrine.hbs.store;

/** A write broke a uniqueness rule (a second group of the same name, a host bound twice at the same moment). */
public final class ConflictException extends RuntimeException {
  public ConflictException(String message, Throwable cause) {
    super(message, cause);
  }
}
