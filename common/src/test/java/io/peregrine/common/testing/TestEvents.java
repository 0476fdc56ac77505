package io.peregrine.common.testing;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.EventExpression;
import io.peregrine.common.event.EventStrategy;
import io.peregrine.common.event.EventTemplate;
import io.peregrine.common.model.SeriesKey;
import java.util.List;
import java.util.Map;

/** Builders for alert events in tests of every module (judge, sender). */
public final class TestEvents {
  private TestEvents() {}

  /** A PROBLEM of strategy 17 ({@code all(#3) < 5} on cpu.idle, action 9) for {@code endpoint}. */
  public static AlertEvent problem(String endpoint, int priority, long eventTime) {
    EventStrategy strategy = new EventStrategy(17, "cpu.idle", Map.of(), "all(#3)", "<", 5, 3, priority,
        "cpu almost busy", new EventTemplate(4, "linux-base", 0, 9, "root"));
    // Open-Falcon hashes endpoint/metric, without a trailing slash, for a series without tags (as the judge does)
    String id = "s_17_" + SeriesKey.md5Hex(endpoint + "/cpu.idle");
    return new AlertEvent(id, strategy, null, AlertEvent.PROBLEM, endpoint, 1.5, 1, eventTime, Map.of(), priority,
        "cpu.idle", AlertEvent.keyOf(id, AlertEvent.PROBLEM, eventTime, 1), List.of(1.5, 2.0, 3.0));
  }

  /** An OK of expression 3 ({@code max(#5) >= 1000.5} on qps with service=api, action 12) for {@code endpoint}. */
  public static AlertEvent expressionOk(String endpoint, int priority, long eventTime) {
    EventExpression expression = new EventExpression(3, "qps", Map.of("service", "api"), "max(#5)", ">=", 1000.5, 1,
        priority, "api overloaded", 12);
    String id = "e_3_" + SeriesKey.md5Hex(SeriesKey.of(endpoint, "qps", "service=api"));
    return new AlertEvent(id, null, expression, AlertEvent.OK, endpoint, 880, 1, eventTime,
        Map.of("service", "api"), priority, "qps", AlertEvent.keyOf(id, AlertEvent.OK, eventTime, 1), List.of(880.0));
  }
}
