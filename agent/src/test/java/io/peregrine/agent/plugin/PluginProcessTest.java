package io.peregrine.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peregrine.common.server.NamedExecutors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginProcessTest {
  @TempDir Path dir;
  private final ThreadPoolExecutor io = NamedExecutors.fixed("test-plugin-io", 4, 8,
      new ThreadPoolExecutor.AbortPolicy());
  private final PluginProcess process = new PluginProcess(io, Path.of("/proc"));

  @AfterEach
  void stop() {
    io.shutdownNow();
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private Plugin plugin(Path file) {
    return Plugin.of(file, file.getFileName().toString()).orElseThrow();
  }

  @Test
  void aHangingPluginIsKilledWithItsChildrenAtTheDeadline() throws Exception {
    Path script = Scripts.write(dir, "60_hang.sh", "sleep 300 &\necho $! > child.pid\necho $$ > self.pid\nsleep 300");
    PluginProcess.Outcome o = process.run(plugin(script), 700);
    assertThat(o.result()).isEqualTo(PluginProcess.Result.TIMEOUT);
    assertThat(o.killed()).isGreaterThanOrEqualTo(2);
    long child = Scripts.pid(dir.resolve("child.pid"));
    long self = Scripts.pid(dir.resolve("self.pid"));
    await().atMost(Duration.ofSeconds(30)).until(() -> !alive(child) && !alive(self));
  }

  @Test
  void aPluginThatForksAChildAndExitsEndsWhenItExitsAndItsOrphanIsKilled() throws Exception {
    // the subshell inherits stdout and outlives the script
    Path script = Scripts.write(dir, "60_fork.sh", "(sleep 300; echo late) &\necho $! > child.pid\n"
        + "echo '[{\"endpoint\":\"h\",\"metric\":\"m\",\"timestamp\":0,\"step\":60,\"value\":1,"
        + "\"counterType\":\"GAUGE\",\"tags\":\"\"}]'\nexit 0");
    PluginProcess.Outcome o = process.run(plugin(script), 5000);
    assertThat(o.result()).isEqualTo(PluginProcess.Result.OK);
    assertThat(o.killed()).isGreaterThanOrEqualTo(1);
    assertThat(new String(o.stdout(), StandardCharsets.UTF_8)).contains("\"metric\":\"m\"").doesNotContain("late");
    long child = Scripts.pid(dir.resolve("child.pid"));
    await().atMost(Duration.ofSeconds(30)).until(() -> !alive(child));
  }

  @Test
  void aChildThatDaemonisedItselfIsFoundByTheMarkerAndKilled() throws Exception {
    Path script = Scripts.write(dir, "60_daemon.sh",
        "setsid sh -c 'echo $$ > daemon.pid; exec sleep 300' >/dev/null 2>&1 < /dev/null &\n"
            + "while [ ! -s daemon.pid ]; do :; done\necho '[]'");
    PluginProcess.Outcome o = process.run(plugin(script), 5000);
    assertThat(o.result()).isEqualTo(PluginProcess.Result.OK);
    assertThat(new String(o.stdout(), StandardCharsets.UTF_8).trim()).isEqualTo("[]");
    long daemon = Scripts.pid(dir.resolve("daemon.pid"));
    await().atMost(Duration.ofSeconds(30)).until(() -> !alive(daemon));
  }

  @Test
  void stderrIsCappedAndAFailingExitIsFailed() throws Exception {
    Path noisy = Scripts.write(dir, "60_noisy.sh", "head -c 100000 /dev/zero | tr '\\0' x >&2\necho '[]'");
    PluginProcess.Outcome o = process.run(plugin(noisy), 5000);
    assertThat(o.result()).isEqualTo(PluginProcess.Result.OK);
    assertThat(o.stderr()).hasSize(PluginProcess.MAX_STDERR_BYTES).matches("x+");
    Path failing = Scripts.write(dir, "60_fail.sh", "echo broken >&2\nexit 3");
    PluginProcess.Outcome f = process.run(plugin(failing), 5000);
    assertThat(f.result()).isEqualTo(PluginProcess.Result.FAILED);
    assertThat(f.exitCode()).isEqualTo(3);
    assertThat(f.stderr().trim()).isEqualTo("broken");
  }

  @Test
  void stdoutOverTheCapIsMarkedTruncated() throws Exception {
    Path big = Scripts.write(dir, "60_big.sh", "head -c 2000000 /dev/zero | tr '\\0' ' '");
    PluginProcess.Outcome o = process.run(plugin(big), 5000);
    assertThat(o.stdoutTruncated()).isTrue();
    assertThat(o.stdout()).hasSize(PluginProcess.MAX_STDOUT_BYTES);
    assertThat(Files.exists(big)).isTrue();
  }

  @Test
  void theQuickSweepCoversThePidsHandedOutSinceTheRunStartedAcrossAWrap() {
    PluginProcess.PidRange upwards = new PluginProcess.PidRange(1000, 1005);
    assertThat(upwards.contains(1000)).isFalse();
    assertThat(upwards.contains(1001)).isTrue();
    assertThat(upwards.contains(1005)).isTrue();
    assertThat(upwards.contains(1006)).isFalse();
    assertThat(upwards.contains(999)).isFalse();
    PluginProcess.PidRange wrapped = new PluginProcess.PidRange(32760, 305);
    assertThat(wrapped.contains(32761)).isTrue();
    assertThat(wrapped.contains(300)).isTrue();
    assertThat(wrapped.contains(305)).isTrue();
    assertThat(wrapped.contains(306)).isFalse();
    assertThat(wrapped.contains(32760)).isFalse();
    assertThat(PluginProcess.PidRange.ALL.contains(1)).isTrue();
    assertThat(PluginProcess.PidRange.ALL.contains(-1)).isFalse();
    assertThat(PluginProcess.pidOf("4711")).isEqualTo(4711);
    assertThat(PluginProcess.pidOf("self")).isEqualTo(-1);
    assertThat(PluginProcess.pidOf("")).isEqualTo(-1);
  }

  @Test
  void theLastPidIsReadFromTheNamespaceAndGrowsWithEachProcess() throws Exception {
    long before = process.lastPid();
    assertThat(before).isPositive();
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    assertThat(new PluginProcess.PidRange(before, process.lastPid()).contains(p.pid())).isTrue();
    assertThat(new PluginProcess(io, dir).lastPid()).isEqualTo(-1);
  }
}
