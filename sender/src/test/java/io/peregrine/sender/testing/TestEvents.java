package io.peregrine.sender.testing;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.EventExpression;
import io.peregrine.common.event.EventStrategy;
import io.peregrine.common.event.EventTemplate;
import java.util.List;
import java.util.Map;

/** Alert events for the sender's tests. */
public final class TestEvents {
  /** Open-Falcon's own event JSON, as its judge writes it (no Peregrine fields): strategy 17, action 9, p2. */
  public static final String OPEN_FALCON_JSON = "{\"id\":\"s_17_27889eb1b8f565150a6f615f1157cc5c\",\"strategy\":"
      + "{\"id\":17,\"metric\":\"cpu.idle\",\"tags\":{},\"func\":\"all(#3)\",\"operator\":\"<\",\"rightValue\":5,"
      + "\"maxStep\":3,\"priority\":2,\"note\":\"cpu almost busy\",\"tpl\":{\"id\":4,\"name\":\"linux-base\","
      + "\"parentId\":0,\"actionId\":9,\"creator\":\"root\"}},\"expression\":null,\"status\":\"PROBLEM\","
      + "\"endpoint\":\"host1\",\"leftValue\":1.5,\"currentStep\":2,\"eventTime\":1700000000,\"pushedTags\":{}}";

  private TestEvents() {}

  /** A PROBLEM of {@code all(#3) cpu.idle < 10} on host1 with tag k=v, template action {@code actionId}. */
  public static AlertEvent problem(String id, int priority, long actionId, long eventTime) {
    EventStrategy strategy = new EventStrategy(3, "cpu.idle", Map.of(), "all(#3)", "<", 10, 3, priority, "note",
        new EventTemplate(4, "linux-base", 0, actionId, "root"));
    return new AlertEvent(id, strategy, null, AlertEvent.PROBLEM, "host1", 3, 1, eventTime, Map.of("k", "v"),
        priority, "cpu.idle", AlertEvent.keyOf(id, AlertEvent.PROBLEM, eventTime, 1), List.of(3.0, 4.0, 5.0));
  }

  public static AlertEvent expressionOk() {
    EventExpression e = new EventExpression(3, "qps", Map.of("service", "api"), "max(#5)", ">=", 1000.5, 1, 4,
        "api overloaded", 12);
    return new AlertEvent("e_3_b5e876658d0fa45fc6d243f605f16459", null, e, AlertEvent.OK, "web-7", 880, 1,
        1700000300, Map.of("service", "api", "dc", "east"), 4, "qps", null, List.of());
  }
}
