package io.peregrine.bench.push;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How the generator talks to transfer. */
public enum PushMode {
  /** {@code Transfer.Push}: one unary call per batch. */
  GRPC_UNARY("grpc-unary", "127.0.0.1:8434"),
  /** {@code Transfer.PushStream}: one long-lived bidi stream per connection, one response per batch. */
  GRPC_STREAM("grpc-stream", "127.0.0.1:8434"),
  /** Open-Falcon {@code POST /api/push} with a JSON array body. */
  HTTP("http", "127.0.0.1:6060");

  private final String label;
  private final String defaultTarget;

  PushMode(String label, String defaultTarget) {
    this.label = label;
    this.defaultTarget = defaultTarget;
  }

  /** The name used on the command line and in the output: {@code grpc-unary}, {@code grpc-stream}, {@code http}. */
  public String label() {
    return label;
  }

  /** Transfer's default address for this protocol. */
  public String defaultTarget() {
    return defaultTarget;
  }

  public static PushMode parse(String text) {
    for (PushMode m : values()) {
      if (m.label.equalsIgnoreCase(text.trim()) || m.name().equalsIgnoreCase(text.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException("mode must be one of " + labels() + ", got '" + text + "'");
  }

  public static String labels() {
    return Arrays.stream(values()).map(PushMode::label).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return label;
  }
}
