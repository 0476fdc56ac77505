package io.peregrine.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.InProcessAlertQueue;
import io.peregrine.common.time.ManualClock;
import io.peregrine.proto.v1.Silence;
import io.peregrine.proto.v1.SilenceMatcher;
import io.peregrine.sender.testing.Configs;
import io.peregrine.sender.testing.FakeHbs;
import io.peregrine.sender.testing.RecordingHttpServer;
import io.peregrine.sender.testing.TestEvents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Silences end to end: the whole sender with a real gRPC hbs answering {@code GetSilences}, a loopback webhook and
 * a manual clock. A silenced event is acknowledged without a send; the judge's next repeat after the silence ends
 * goes out; what the silence does not match is told as usual.
 */
class SilenceTest {
  private static final long T = 1_800_000_000L;
  private final ManualClock clock = new ManualClock(T);
  private final InProcessAlertQueue queue = new InProcessAlertQueue(100);
  private final PrintStream console = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  private SenderServer sender;

  @AfterEach
  void stop() {
    if (sender != null) {
      sender.close();
    }
  }

  private double counter(String name, String... tags) {
    var c = sender.registry().find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  private static AlertEvent repeat(AlertEvent e, int step, long eventTime) {
    return new AlertEvent(e.id(), e.strategy(), e.expression(), e.status(), e.endpoint(), e.leftValue(), step,
        eventTime, e.pushedTags(), e.priority(), e.metric(), AlertEvent.keyOf(e.id(), e.status(), eventTime, step),
        e.values());
  }

  private static Silence silence(long id, long start, long end, SilenceMatcher... matchers) {
    return Silence.newBuilder().setId(id).setStartsAt(start).setEndsAt(end).setAuthor("eddie")
        .addAllMatchers(List.of(matchers)).build();
  }

  private static SilenceMatcher m(String name, String value, boolean regex) {
    return SilenceMatcher.newBuilder().setName(name).setValue(value).setRegex(regex).build();
  }

  @Test
  void aSilencedIncidentIsNotToldAndItsNextRepeatAfterTheEndIs() throws Exception {
    try (RecordingHttpServer hook = RecordingHttpServer.alwaysOk(); FakeHbs hbs = FakeHbs.withOnCallTeam()) {
      hbs.silences(List.of(silence(7, T - 60, T + 600, m("endpoint", "host.*", true), m("tags.k", "v", false))));
      sender = new SenderServer(Configs.sender(Map.of("hbsAddress", hbs.address(), "console", false,
          "webhookUrl", hook.url("/hook"), "lifecycle.silenceRefresh", Duration.ofHours(1))), queue, console, clock);
      sender.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> counter("sender.silence.refreshes", "result", "ok") >= 1);

      AlertEvent first = TestEvents.problem("s_3_silenced", 1, 9, T);
      queue.publish(first);
      await().atMost(Duration.ofSeconds(10)).until(() -> counter("sender.acked") == 1);
      assertThat(counter("sender.suppressed", "reason", "silenced")).isEqualTo(1);
      assertThat(hook.requests()).isEmpty();

      // another endpoint is not silenced (tags match, endpoint does not)
      AlertEvent other = new AlertEvent("s_3_other", first.strategy(), null, AlertEvent.PROBLEM, "db-1", 3, 1, T,
          Map.of("k", "v"), 1, "cpu.idle", AlertEvent.keyOf("s_3_other", AlertEvent.PROBLEM, T, 1), List.of());
      queue.publish(other);
      await().atMost(Duration.ofSeconds(10)).until(() -> hook.requests().size() == 1);
      assertThat(hook.requests().get(0).headers()).containsEntry("x-peregrine-event-key", other.eventKey());

      // the silence ends while the incident is still open: the judge's next repeat is told
      clock.advance(Duration.ofSeconds(600));
      AlertEvent second = repeat(first, 2, T + 600);
      queue.publish(second);
      await().atMost(Duration.ofSeconds(10)).until(() -> hook.requests().size() == 2);
      assertThat(hook.requests().get(1).headers()).containsEntry("x-peregrine-event-key", second.eventKey());
      assertThat(counter("sender.suppressed", "reason", "silenced")).isEqualTo(1);
    }
  }

  @Test
  void withoutAnAnswerFromHbsNothingIsSilenced() throws Exception {
    try (RecordingHttpServer hook = RecordingHttpServer.alwaysOk()) {
      // an hbs address where nothing listens: the refresh fails, the event is told (the system clock, so that a
      // webhook call slowed by a loaded machine is retried)
      sender = new SenderServer(Configs.sender(Map.of("hbsAddress", "127.0.0.1:1", "console", false,
          "webhookUrl", hook.url("/hook"))), queue, console);
      sender.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> counter("sender.silence.refreshes", "result", "failed")
          >= 1);
      queue.publish(TestEvents.problem("s_3_told", 1, 0, T));
      await().atMost(Duration.ofSeconds(10)).until(() -> hook.requests().size() == 1);
      assertThat(counter("sender.suppressed", "reason", "silenced")).isZero();
    }
  }
}
