package io.peregrine.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peregrine.common.testing.TestEvents;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AlertEventJsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final List<String> OPEN_FALCON_EVENT_FIELDS = List.of("id", "strategy", "expression", "status",
      "endpoint", "leftValue", "currentStep", "eventTime", "pushedTags");
  private static final List<String> PEREGRINE_EVENT_FIELDS = List.of("priority", "metric", "eventKey", "values");

  @Test
  void roundTripsAStrategyEvent() {
    AlertEvent e = TestEvents.problem("host1", 2, 1_700_000_000L);
    assertThat(AlertEventJson.read(AlertEventJson.write(e))).isEqualTo(e);
  }

  @Test
  void roundTripsAnExpressionEvent() {
    AlertEvent e = TestEvents.expressionOk("web-7", 4, 1_700_000_300L);
    assertThat(AlertEventJson.read(AlertEventJson.write(e))).isEqualTo(e);
  }

  @Test
  void writesOpenFalconsFieldNamesPlusPeregrinesOwn() throws Exception {
    JsonNode n = MAPPER.readTree(AlertEventJson.write(TestEvents.problem("host1", 2, 1_700_000_000L)));
    List<String> expected = new ArrayList<>(OPEN_FALCON_EVENT_FIELDS);
    expected.addAll(PEREGRINE_EVENT_FIELDS);
    assertThat(fields(n)).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(fields(n.get("strategy"))).containsExactlyInAnyOrder("id", "metric", "tags", "func", "operator",
        "rightValue", "maxStep", "priority", "note", "tpl");
    assertThat(fields(n.get("strategy").get("tpl"))).containsExactlyInAnyOrder("id", "name", "parentId", "actionId",
        "creator");
    assertThat(n.get("expression").isNull()).isTrue();
    assertThat(n.get("status").asText()).isEqualTo("PROBLEM");
    assertThat(n.get("strategy").get("tpl").get("actionId").asLong()).isEqualTo(9);
    assertThat(n.get("eventTime").asLong()).isEqualTo(1_700_000_000L);
    assertThat(n.get("values").get(0).asDouble()).isEqualTo(1.5);
  }

  @Test
  void writesOpenFalconsExpressionFieldNames() throws Exception {
    JsonNode n = MAPPER.readTree(AlertEventJson.write(TestEvents.expressionOk("web-7", 4, 1_700_000_300L)));
    assertThat(n.get("strategy").isNull()).isTrue();
    assertThat(fields(n.get("expression"))).containsExactlyInAnyOrder("id", "metric", "tags", "func", "operator",
        "rightValue", "maxStep", "priority", "note", "actionId");
  }

  @Test
  void readsAStrategyEventWrittenByOpenFalcon() throws Exception {
    AlertEvent e = AlertEventJson.read(resource("/events/openfalcon-strategy-event.json"));
    assertThat(e.id()).isEqualTo("s_17_27889eb1b8f565150a6f615f1157cc5c");
    assertThat(e.isProblem()).isTrue();
    assertThat(e.endpoint()).isEqualTo("host1");
    assertThat(e.leftValue()).isEqualTo(1.5);
    assertThat(e.currentStep()).isEqualTo(2);
    assertThat(e.eventTime()).isEqualTo(1_700_000_000L);
    assertThat(e.pushedTags()).isEmpty();
    assertThat(e.expression()).isNull();
    assertThat(e.func()).isEqualTo("all(#3)");
    assertThat(e.operator()).isEqualTo("<");
    assertThat(e.rightValue()).isEqualTo(5);
    assertThat(e.maxStep()).isEqualTo(3);
    assertThat(e.note()).isEqualTo("cpu almost busy");
    assertThat(e.actionId()).isEqualTo(9);
  }

  @Test
  void completesPeregrinesFieldsForAnOpenFalconEvent() throws Exception {
    // Open-Falcon's event has no priority, metric, key or values: they come from the strategy and the event itself
    AlertEvent e = AlertEventJson.read(resource("/events/openfalcon-strategy-event.json"));
    assertThat(e.priority()).isEqualTo(2);
    assertThat(e.metric()).isEqualTo("cpu.idle");
    assertThat(e.eventKey()).isEqualTo(AlertEvent.keyOf(e.id(), "PROBLEM", 1_700_000_000L, 2));
    assertThat(e.values()).isEmpty();
  }

  @Test
  void readsAnExpressionEventWrittenByOpenFalcon() throws Exception {
    AlertEvent e = AlertEventJson.read(resource("/events/openfalcon-expression-event.json"));
    assertThat(e.isProblem()).isFalse();
    assertThat(e.status()).isEqualTo(AlertEvent.OK);
    assertThat(e.strategy()).isNull();
    assertThat(e.pushedTags()).containsOnly(Map.entry("service", "api"), Map.entry("dc", "east"));
    assertThat(e.expression().tags()).containsOnly(Map.entry("service", "api"));
    assertThat(e.actionId()).isEqualTo(12);
    assertThat(e.func()).isEqualTo("max(#5)");
    assertThat(e.rightValue()).isEqualTo(1000.5);
    assertThat(e.leftValue()).isEqualTo(880);
    assertThat(e.priority()).isEqualTo(4);
    assertThat(e.metric()).isEqualTo("qps");
    assertThat(e.eventKey()).isEqualTo(AlertEvent.keyOf(e.id(), "OK", 1_700_000_300L, 1));
  }

  @Test
  void keepsAnExplicitPriorityOverTheStrategys() {
    AlertEvent e = TestEvents.problem("host1", 2, 1_700_000_000L);
    AlertEvent p0 = new AlertEvent(e.id(), e.strategy(), null, e.status(), e.endpoint(), e.leftValue(),
        e.currentStep(), e.eventTime(), e.pushedTags(), 0, e.metric(), e.eventKey(), e.values());
    assertThat(AlertEventJson.read(AlertEventJson.write(p0)).priority()).isZero();
  }

  @Test
  void ignoresUnknownFieldsAtEveryLevel() {
    String json = "{\"id\":\"s_1_x\",\"status\":\"OK\",\"future\":[1,2],\"strategy\":{\"id\":1,\"runBegin\":\"00:00\","
        + "\"tpl\":{\"actionId\":3,\"uic\":\"ops\"}}}";
    AlertEvent e = AlertEventJson.read(json);
    assertThat(e.actionId()).isEqualTo(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "{\"id\":", "[1,2]", "\"text\"", "42", "null", ""})
  void refusesTextThatIsNotAnEventWithTheReason(String text) {
    assertThatThrownBy(() -> AlertEventJson.read(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an alert event");
  }

  @Test
  void refusesAnEventWithoutIdOrStatus() {
    assertThatThrownBy(() -> AlertEventJson.read("{\"endpoint\":\"h\"}")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lacks id or status").hasMessageContaining("\"endpoint\":\"h\"");
  }

  @Test
  void refusesAFieldOfTheWrongTypeNamingIt() {
    assertThatThrownBy(() -> AlertEventJson.read("{\"id\":\"s_1\",\"status\":\"OK\",\"currentStep\":\"two\"}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("currentStep")
        .hasMessageContaining("two");
  }

  @Test
  void abbreviatesLongTextInTheMessage() {
    String json = "{\"endpoint\":\"" + "h".repeat(1000) + "\"}";
    assertThatThrownBy(() -> AlertEventJson.read(json)).message().hasSizeLessThan(300).endsWith("...");
  }

  private static List<String> fields(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String resource(String path) throws IOException {
    try (InputStream in = AlertEventJsonTest.class.getResourceAsStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
