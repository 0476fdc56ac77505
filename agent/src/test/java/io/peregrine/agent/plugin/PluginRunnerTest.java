package io.peregrine.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.json.OpenFalconJson;
import io.peregrine.common.model.SampleValidator;
import io.peregrine.proto.v1.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginRunnerTest {
  private static final String ITEM = "{\"endpoint\":\"web-1\",\"metric\":\"%s\",\"timestamp\":0,\"step\":1,"
      + "\"value\":%s,\"counterType\":\"GAUGE\",\"tags\":\"\"}";

  @TempDir Path root;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ConcurrentLinkedQueue<Sample> queued = new ConcurrentLinkedQueue<>();
  private PluginRunner runner;

  @AfterEach
  void stop() {
    if (runner != null) {
      runner.close();
    }
  }

  private PluginRunner start(List<String> localDirs, int concurrency) {
    runner = new PluginRunner(root, localDirs, concurrency,
        new OpenFalconJson(new SampleValidator(Clock.systemUTC())), queued::add, registry);
    runner.start();
    return runner;
  }

  private double runs(String plugin, String result) {
    Counter c = registry.find("agent_plugin_runs").tag("plugin", plugin).tag("result", result).counter();
    return c == null ? 0 : c.count();
  }

  private static String json(String... items) {
    return "echo '[" + String.join(",", items) + "]'";
  }

  @Test
  void goodGarbageFailingAndHangingPluginsEachEndInTheirOwnResult() throws Exception {
    Path local = root.resolve("local");
    Scripts.write(local, "1_good.sh", json(String.format(ITEM, "good.one", "1"), String.format(ITEM, "good.two", "2"),
        String.format(ITEM, "good.bad", "\"abc\"")));
    Scripts.write(local, "1_garbage.sh", "echo 'this is not json'");
    Scripts.write(local, "1_fail.sh", json(String.format(ITEM, "fail.never", "1")) + "\nexit 3");
    Scripts.write(local, "1_hang.sh", "sleep 300");
    Scripts.write(local, "README", "not a plugin");
    Files.writeString(local.resolve("1_noexec.sh"), "#!/bin/sh\necho '[]'\n");
    start(List.of("local"), 4);

    await().atMost(Duration.ofSeconds(20)).until(() -> runs("local/1_good.sh", "ok") >= 2
        && runs("local/1_garbage.sh", "bad_output") >= 2 && runs("local/1_fail.sh", "failed") >= 2
        && runs("local/1_hang.sh", "timeout") >= 1);
    assertThat(queued).extracting(Sample::getMetric).contains("good.one", "good.two")
        .doesNotContain("good.bad", "fail.never");
    assertThat(registry.get("agent_plugin_rejected_samples").counter().count()).isGreaterThanOrEqualTo(2);
    assertThat(registry.find("agent_plugin_runs").tag("plugin", "local/1_noexec.sh").counters()).isEmpty();
    assertThat(registry.find("agent_plugin_runs").tag("plugin", "local/README").counters()).isEmpty();
    assertThat(runs("local/1_good.sh", "timeout") + runs("local/1_good.sh", "skipped"))
        .as("the hanging plugin never held up the good one").isZero();
  }

  @Test
  void atMostNRunAtOnceAndRunsDueTogetherWaitTheirTurn() throws Exception {
    Path local = root.resolve("local");
    Path running = Files.createDirectories(root.resolve("running"));
    Path seen = root.resolve("seen");
    for (String n : List.of("a", "b", "c")) {
      // each run marks itself running, records how many runs it sees, and holds its slot for a moment
      // step 3 s: a 2.5 s deadline, far beyond the 0.2 s hold even on a loaded machine (a killed run would leave
      // its mark behind)
      Scripts.write(local, "3_" + n + ".sh", "touch " + running + "/$$\nls " + running + " | wc -l >> " + seen
          + "\nsleep 0.2\nrm " + running + "/$$\necho '[]'");
    }
    start(List.of(local.toString()), 1);
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(seen)
        && Files.readAllLines(seen).size() >= 3);
    assertThat(Files.readAllLines(seen)).allSatisfy(line -> assertThat(line.trim()).isEqualTo("1"));
    // three plugins due in the same second and one slot: they take turns, none is skipped
    await().atMost(Duration.ofSeconds(20)).until(() -> runs("local/3_a.sh", "ok") >= 1
        && runs("local/3_b.sh", "ok") >= 1 && runs("local/3_c.sh", "ok") >= 1);
    assertThat(runs("local/3_a.sh", "skipped") + runs("local/3_b.sh", "skipped") + runs("local/3_c.sh", "skipped"))
        .isZero();
  }

  @Test
  void directoriesFromHbsAreRelativeToTheRootAndCannotLeaveIt() throws Exception {
    Scripts.write(root.resolve("groups/web"), "1_web.sh", json(String.format(ITEM, "web.up", "1")));
    Path outside = Files.createTempDirectory("peregrine-outside");
    try {
      Scripts.write(outside, "1_evil.sh", json(String.format(ITEM, "evil.ran", "1")));
      start(List.of(), 2);
      runner.updateHbsDirs(List.of("groups/web", "../" + outside.getFileName(), outside.toString()));
      await().atMost(Duration.ofSeconds(20)).until(() -> runs("groups/web/1_web.sh", "ok") >= 1);
      assertThat(queued).extracting(Sample::getMetric).contains("web.up").doesNotContain("evil.ran");
      runner.updateHbsDirs(List.of());
      double before = runs("groups/web/1_web.sh", "ok");
      await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> true);
      assertThat(runs("groups/web/1_web.sh", "ok")).as("a directory hbs dropped stops running")
          .isLessThanOrEqualTo(before + 1);
    } finally {
      try (var files = Files.walk(outside)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
