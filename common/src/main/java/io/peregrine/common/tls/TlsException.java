package io.peregrine.common.tls;

/** TLS material that cannot be used: a missing or unreadable file, a key that does not fit its certificate. */
public final class TlsException extends RuntimeException {
  public TlsException(String message) {
    super(message);
  }

  public TlsException(String message, Throwable cause) {
    super(message, cause);
  }
}
