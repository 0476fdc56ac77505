package io.peregrine.judge.state;

import static io.peregrine.judge.testing.Strategies.strategy;
import static org.assertj.core.api.Assertions.assertThat;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertSource;
import io.peregrine.common.event.InProcessAlertQueue;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.common.time.ManualClock;
import io.peregrine.judge.JudgeConfig;
import io.peregrine.judge.testing.FakeHbs;
import io.peregrine.judge.testing.JudgeHarness;
import io.peregrine.judge.testing.Strategies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** all-in-one without Redis: the last events live in the embedded store under judge.stateDir and survive a restart. */
class EmbeddedStateRestartTest {
  private static final long T0 = 1_800_000_000L;

  @TempDir
  Path dir;

  @Test
  void aRestartedJudgeNeitherRepeatsTheOpenProblemNorForgetsItsOk() throws Exception {
    ManualClock clock = new ManualClock(T0 + 60);
    // maxStep 1: a judge that forgot the PROBLEM would raise it again with step 1
    try (FakeHbs hbs = new FakeHbs(Strategies.set(1, "host1",
        strategy(7, "cpu.idle", "all(#2)", "<", 10).setMaxStep(1)))) {
      JudgeConfig config = JudgeConfig.defaults().withHbs(hbs.address(), Duration.ofMillis(200))
          .withStateDir(dir.toString());
      InProcessAlertQueue first = new InProcessAlertQueue(100);
      try (JudgeHarness judge = new JudgeHarness(config, first, clock)) {
        judge.push(TestSamples.gauge("host1", "cpu.idle", "", 5, T0),
            TestSamples.gauge("host1", "cpu.idle", "", 4, T0 + 60));
        AlertEvent problem = next(first);
        assertThat(problem.status()).isEqualTo(AlertEvent.PROBLEM);
        assertThat(problem.eventTime()).isEqualTo(T0 + 60);
      }
      assertThat(dir.resolve(EmbeddedStateStore.FILE)).exists();

      InProcessAlertQueue second = new InProcessAlertQueue(100);
      clock.setSeconds(T0 + 240);
      try (JudgeHarness judge = new JudgeHarness(config, second, clock)) {
        // histories are not refilled: two new points are needed before anything is judged again
        judge.push(TestSamples.gauge("host1", "cpu.idle", "", 3, T0 + 120),
            TestSamples.gauge("host1", "cpu.idle", "", 2, T0 + 180));
        judge.push(TestSamples.gauge("host1", "cpu.idle", "", 50, T0 + 240));
        AlertEvent ok = next(second);
        assertThat(ok.status()).as("the PROBLEM raised before the restart was not raised again").isEqualTo(AlertEvent.OK);
        assertThat(ok.eventTime()).isEqualTo(T0 + 240);
        assertThat(ok.id()).isEqualTo(problemId());
      }
      // closing flushed every pending event: nothing else was raised
      assertThat(second.poll(0, TimeUnit.MILLISECONDS)).isNull();
    }
  }

  private static String problemId() {
    return "s_7_" + io.peregrine.common.model.SeriesKey.md5Hex("host1/cpu.idle");
  }

  private static AlertEvent next(InProcessAlertQueue q) throws InterruptedException {
    AlertSource.Delivery d = q.poll(10, TimeUnit.SECONDS);
    assertThat(d).as("an event arrived").isNotNull();
    q.ack(d);
    return d.event();
  }
}
