package io.peregrine.common.model;

/**
 * Open-Falcon names as Prometheus names, the one mapping for transfer's remote write, the agent's host-metrics page
 * and graph's Prometheus read API: every character outside {@code [a-zA-Z0-9_:]} becomes {@code '_'} (so
 * {@code cpu.idle} is {@code cpu_idle}), a leading digit gets a {@code '_'} in front; label names additionally lose
 * ':'. A name that already is valid is returned as is, without a copy (remote write maps every sample).
 */
public final class PromNames {
  private PromNames() {}

  public static String metric(String name) {
    return sanitize(name, true);
  }

  public static String label(String name) {
    return sanitize(name, false);
  }

  private static String sanitize(String name, boolean colon) {
    StringBuilder out = null;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
          || (colon && c == ':');
      if (!ok) {
        if (out == null) {
          out = new StringBuilder(name.length()).append(name, 0, i);
        }
        out.append('_');
      } else if (out != null) {
        out.append(c);
      }
    }
    String s = out == null ? name : out.toString();
    return !s.isEmpty() && s.charAt(0) >= '0' && s.charAt(0) <= '9' ? "_" + s : s;
  }
}
