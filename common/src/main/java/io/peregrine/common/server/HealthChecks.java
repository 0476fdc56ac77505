package io.peregrine.common.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** Named yes/no checks behind {@code /health}: the component is healthy when all of them are. */
public final class HealthChecks {
  private final Map<String, Supplier<Boolean>> checks = new ConcurrentHashMap<>();
  private final Map<String, Supplier<String>> details = new ConcurrentHashMap<>();

  public HealthChecks add(String name, Supplier<Boolean> check) {
    checks.put(name, check);
    return this;
  }

  /** A line of text shown under {@code details} in /health (e.g. which destination is stuck, since when). */
  public HealthChecks detail(String name, Supplier<String> text) {
    details.put(name, text);
    return this;
  }

  /** Every detail's current text, sorted by name; a detail that throws shows its exception. */
  public Map<String, String> details() {
    Map<String, String> out = new LinkedHashMap<>();
    details.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      String text;
      try {
        text = String.valueOf(e.getValue().get());
      } catch (RuntimeException ex) {
        text = "unavailable: " + ex;
      }
      out.put(e.getKey(), text);
    });
    return out;
  }

  /** Runs every check; a check that throws counts as failing. */
  public Map<String, Boolean> run() {
    Map<String, Boolean> out = new LinkedHashMap<>();
    checks.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      boolean ok;
      try {
        ok = Boolean.TRUE.equals(e.getValue().get());
      } catch (RuntimeException ex) {
        ok = false;
      }
      out.put(e.getKey(), ok);
    });
    return out;
  }
}
