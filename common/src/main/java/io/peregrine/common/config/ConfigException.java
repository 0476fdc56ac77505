package io.peregrine.common.config;

/** A configuration that cannot run: the message names the key, the value, where it came from and why. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
