package io.peregrine.common.model;

import io.peregrine.proto.v1.CounterType;

/** Counter type names as Open-Falcon writes them, read case-insensitively. */
public final class CounterTypes {
  private CounterTypes() {}

  /** @return the type, or {@link CounterType#COUNTER_TYPE_UNSPECIFIED} for an unknown or missing name */
  public static CounterType parse(String name) {
    if (name == null) {
      return CounterType.COUNTER_TYPE_UNSPECIFIED;
    }
    if (name.equalsIgnoreCase("GAUGE")) {
      return CounterType.GAUGE;
    }
    if (name.equalsIgnoreCase("COUNTER")) {
      return CounterType.COUNTER;
    }
    if (name.equalsIgnoreCase("DERIVE")) {
      return CounterType.DERIVE;
    }
    return CounterType.COUNTER_TYPE_UNSPECIFIED;
  }

  /** True for types stored and judged as per-second rates. */
  public static boolean isRate(CounterType type) {
    return type == CounterType.COUNTER || type == CounterType.DERIVE;
  }
}
