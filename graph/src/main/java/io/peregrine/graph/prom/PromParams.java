package io.peregrine.graph.prom;

import com.sun.net.httpserver.HttpExchange;
import io.peregrine.common.server.HttpExchanges;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameters of a Prometheus API request as Grafana sends them: in the query string (GET) or a form-encoded body
 * (POST), repeated keys such as {@code match[]} kept in order. Times are unix seconds (fractions allowed) or
 * RFC 3339; durations are Prometheus durations ({@code 15s}, {@code 1m30s}, {@code 1h}, {@code 1d}) or seconds.
 */
final class PromParams {
  /** Form bodies are a query and a few numbers: 1 MiB is far beyond any real one. */
  static final int MAX_BODY_BYTES = 1 << 20;
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|y|w|d|h|m|s)");

  private final Map<String, List<String>> values = new LinkedHashMap<>();

  static PromParams of(HttpExchange ex) throws IOException {
    PromParams p = new PromParams();
    p.add(ex.getRequestURI().getRawQuery());
    if ("POST".equalsIgnoreCase(ex.getRequestMethod())) {
      String type = ex.getRequestHeaders().getFirst("Content-Type");
      byte[] body = HttpExchanges.readBody(ex, MAX_BODY_BYTES);
      if (type == null || type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
        p.add(new String(body, StandardCharsets.UTF_8));
      } else {
        throw new IllegalArgumentException("a POST body must be application/x-www-form-urlencoded, got " + type);
      }
    }
    return p;
  }

  private void add(String raw) {
    if (raw == null || raw.isEmpty()) {
      return;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      values.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
  }

  String get(String name) {
    List<String> v = values.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  /** A time in unix seconds, or {@code fallback} when absent. */
  double time(String name, double fallback) {
    String v = get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    return parseTime(name, v.trim());
  }

  static double parseTime(String name, String v) {
    try {
      return new BigDecimal(v).doubleValue();
    } catch (NumberFormatException e) {
      try {
        OffsetDateTime t = OffsetDateTime.parse(v);
        return t.toEpochSecond() + t.getNano() / 1e9;
      } catch (DateTimeParseException e2) {
        throw new IllegalArgumentException("invalid parameter \"" + name + "\": cannot parse \"" + v
            + "\" to a valid timestamp");
      }
    }
  }

  /** A duration in seconds: a Prometheus duration or a number of seconds. */
  static double parseDuration(String name, String v) {
    try {
      return new BigDecimal(v).doubleValue();
    } catch (NumberFormatException e) {
      Matcher m = DURATION.matcher(v);
      double total = 0;
      int at = 0;
      while (m.find() && m.start() == at) {
        long n = Long.parseLong(m.group(1));
        total += n * switch (m.group(2)) {
          case "ms" -> 0.001;
          case "s" -> 1;
          case "m" -> 60;
          case "h" -> 3_600;
          case "d" -> 86_400;
          case "w" -> 604_800;
          default -> 31_536_000;
        };
        at = m.end();
      }
      if (at == 0 || at != v.length()) {
        throw new IllegalArgumentException("invalid parameter \"" + name + "\": cannot parse \"" + v
            + "\" to a valid duration");
      }
      return total;
    }
  }
}
