package io.peregrine.common.tls;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Whether a TLS server asks its callers for a certificate signed by {@code tls.ca}. */
public enum ClientAuth {
  /** No client certificate is asked for. */
  NONE,
  /** A client certificate is asked for and checked when sent; a caller without one is still served. */
  OPTIONAL,
  /** A caller without a valid client certificate fails the handshake (mTLS). */
  REQUIRE;

  @JsonValue
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static ClientAuth parse(String value) {
    if (value == null) {
      return null; // unset: see where the field is read
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "" -> null;
      case "none" -> NONE;
      case "optional" -> OPTIONAL;
      case "require", "required" -> REQUIRE;
      default -> throw new IllegalArgumentException("tls.clientAuth must be none, optional or require, got '"
          + value + "'");
    };
  }
}
