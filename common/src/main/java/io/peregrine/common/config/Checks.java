package io.peregrine.common.config;

import java.time.Duration;
import java.util.Collection;

/** Argument checks for config records' compact constructors; messages name the field and the value. */
public final class Checks {
  private Checks() {}

  public static int positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
    return value;
  }

  public static int inRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be within " + min + ".." + max + ": " + value);
    }
    return value;
  }

  public static Duration positive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration: " + value);
    }
    return value;
  }

  public static String notBlank(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    return value;
  }

  /** A listen or target address {@code host:port}; port 0 (pick a free one) is allowed for listening. */
  public static String address(String name, String value) {
    HostPort.parse(name, value);
    return value;
  }

  public static <C extends Collection<String>> C addresses(String name, C values) {
    if (values == null) {
      throw new IllegalArgumentException(name + " must be a list (empty is fine)");
    }
    for (String v : values) {
      address(name, v);
    }
    return values;
  }
}
