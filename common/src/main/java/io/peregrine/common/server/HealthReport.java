package io.peregrine.common.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The {@code /health} answer every server gives, whatever its HTTP stack: {@code {"status", "component", "checks",
 * "details"}}, 200 when every check passes, else 503.
 */
public record HealthReport(int status, String json) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Runs the checks now. */
  public static HealthReport of(String component, HealthChecks health) {
    Map<String, Boolean> results = health.run();
    boolean up = results.values().stream().allMatch(Boolean::booleanValue);
    ObjectNode body = JSON.createObjectNode().put("status", up ? "UP" : "DOWN").put("component", component);
    ObjectNode checks = body.putObject("checks");
    results.forEach((k, v) -> checks.put(k, v ? "UP" : "DOWN"));
    Map<String, String> details = health.details();
    if (!details.isEmpty()) {
      ObjectNode d = body.putObject("details");
      details.forEach(d::put);
    }
    return new HealthReport(up ? 200 : 503, body.toString());
  }
}
