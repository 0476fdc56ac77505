package io.peregrine.common.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text rules of configuration that both loaders share: environment names and durations. Kept free of Jackson
 * databind so that {@link RecordBinder} (the agent's loader) can use them without the JVM loading databind.
 */
public final class ConfigText {
  private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private ConfigText() {}

  /** {@code transfer.grpcListen} becomes {@code PEREGRINE_TRANSFER_GRPC_LISTEN}. */
  public static String envName(String key) {
    StringBuilder out = new StringBuilder(ConfigLoader.ENV_PREFIX);
    out.append('_');
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '.') {
        out.append('_');
      } else if (Character.isUpperCase(c) && i > 0 && key.charAt(i - 1) != '.') {
        out.append('_').append(c);
      } else {
        out.append(Character.toUpperCase(c));
      }
    }
    return out.toString();
  }

  /** {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 2d} or ISO-8601. */
  public static Duration duration(String text) {
    String t = text.trim();
    Matcher m = SIMPLE_DURATION.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(t);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not a duration: write 500ms, 10s, 5m, 1h or 2d");
    }
  }
}
