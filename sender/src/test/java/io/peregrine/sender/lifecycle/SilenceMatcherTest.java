package io.peregrine.sender.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.proto.v1.Silence;
import io.peregrine.sender.testing.TestEvents;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Matching a silence against events: equality, whole-field regexes, absent tags, ids, priority and the window. */
class SilenceMatcherTest {
  private static final long T = 1_800_000_000L;
  private final AlertEvent problem = TestEvents.problem("s_3_x", 2, 9, T); // host1, cpu.idle, k=v, strategy 3
  private final AlertEvent expression = TestEvents.expressionOk(); // web-7, qps, service=api dc=east, expression 3

  private static SilenceMatcher silence(SilenceMatcher.Field... fields) {
    return new SilenceMatcher(1, List.of(fields), T - 10, T + 10, "eddie", "");
  }

  private static SilenceMatcher.Field eq(String name, String value) {
    return SilenceMatcher.field(name, value, false);
  }

  private static SilenceMatcher.Field re(String name, String value) {
    return SilenceMatcher.field(name, value, true);
  }

  @Test
  void everyMatcherMustMatch() {
    assertThat(silence(eq("endpoint", "host1"), eq("metric", "cpu.idle")).silences(problem, T)).isTrue();
    assertThat(silence(eq("endpoint", "host1"), eq("metric", "cpu.busy")).silences(problem, T)).isFalse();
    assertThat(silence(eq("strategyId", "3")).silences(problem, T)).isTrue();
    assertThat(silence(eq("strategyId", "3")).silences(expression, T)).isFalse();
    assertThat(silence(eq("expressionId", "3")).silences(expression, T)).isTrue();
    assertThat(silence(eq("priority", "2")).silences(problem, T)).isTrue();
    assertThat(silence(re("priority", "[3-6]")).silences(problem, T)).isFalse();
    assertThat(silence(re("priority", "[3-6]")).silences(expression, T)).isTrue();
  }

  @Test
  void aRegexMustMatchTheWholeField() {
    assertThat(silence(re("endpoint", "host")).silences(problem, T)).isFalse();
    assertThat(silence(re("endpoint", "host.*")).silences(problem, T)).isTrue();
    assertThat(silence(re("endpoint", "HOST1")).silences(problem, T)).isFalse();
    assertThat(silence(re("endpoint", "(?i)HOST1")).silences(problem, T)).isTrue();
    assertThat(silence(re("endpoint", "web-7|host1")).silences(problem, T)).isTrue();
    // an equality matcher never reads its value as a pattern
    assertThat(silence(eq("endpoint", "host.")).silences(problem, T)).isFalse();
    assertThat(silence(re("metric", "cpu\\.idle")).silences(problem, T)).isTrue();
    assertThat(silence(re("metric", "cpu\\.idle")).silences(expression, T)).isFalse();
  }

  @Test
  void anAbsentTagReadsAsTheEmptyText() {
    assertThat(silence(eq("tags.k", "v")).silences(problem, T)).isTrue();
    assertThat(silence(eq("tags.dc", "east")).silences(problem, T)).isFalse();
    assertThat(silence(eq("metric", "cpu.idle"), eq("tags.dc", "")).silences(problem, T)).isTrue();
    assertThat(silence(eq("metric", "qps"), eq("tags.dc", "")).silences(expression, T)).isFalse();
    assertThat(silence(re("tags.dc", "e.*")).silences(expression, T)).isTrue();
    assertThat(silence(re("tags.dc", ".+")).silences(problem, T)).isFalse();
  }

  @Test
  void theWindowIncludesItsStartAndExcludesItsEnd() {
    SilenceMatcher s = silence(eq("endpoint", "host1"));
    assertThat(s.silences(problem, T - 11)).isFalse();
    assertThat(s.silences(problem, T - 10)).isTrue();
    assertThat(s.silences(problem, T + 9)).isTrue();
    assertThat(s.silences(problem, T + 10)).isFalse();
  }

  @Test
  void whatHbsWouldRefuseIsNotCompiled() {
    assertThatThrownBy(() -> SilenceMatcher.field("endpoint", "web-(", true))
        .hasMessageContaining("not a valid regular expression: Unclosed group in 'web-('");
    assertThatThrownBy(() -> SilenceMatcher.field("host", "a", false)).hasMessageContaining("unknown matcher name");
    assertThatThrownBy(() -> SilenceMatcher.field("tags.", "a", false)).hasMessageContaining("unknown matcher name");
    assertThatThrownBy(() -> HbsSilences.compile(Silence.newBuilder().setId(4).setEndsAt(T).build()))
        .hasMessageContaining("no matcher");
  }
}
