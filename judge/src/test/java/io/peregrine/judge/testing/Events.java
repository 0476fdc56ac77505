package io.peregrine.judge.testing;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.EventStrategy;
import io.peregrine.common.event.EventTemplate;
import java.util.List;
import java.util.Map;

/** Alert events for publisher tests. */
public final class Events {
  private Events() {}

  public static AlertEvent problem(String id, int priority) {
    EventStrategy strategy = new EventStrategy(7, "cpu.idle", Map.of("mount", "/data"), "all(#3)", "<", 10, 3,
        priority, "disk nearly full", new EventTemplate(40, "", 0, 50, ""));
    return new AlertEvent(id, strategy, null, AlertEvent.PROBLEM, "host1", 5, 1, 1_800_000_000L,
        Map.of("mount", "/data"), priority, "cpu.idle", AlertEvent.keyOf(id, AlertEvent.PROBLEM, 1_800_000_000L, 1),
        List.of(5.0, 6.0, 7.0));
  }
}
