package io.peregrine.sender.channel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A secret from the config: the value itself (best set through its environment variable), or {@code file:/path}
 * for a file holding it (a Kubernetes secret mounted as a file), read once at start, surrounding whitespace removed.
 */
public final class Secrets {
  private Secrets() {}

  public static String resolve(String key, String value) {
    if (value == null || !value.startsWith("file:")) {
      return value == null ? "" : value;
    }
    Path file = Path.of(value.substring("file:".length()));
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException(key + ": cannot read the secret file " + file + ": " + e.getMessage(), e);
    }
  }
}
