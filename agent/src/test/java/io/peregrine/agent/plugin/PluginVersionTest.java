package io.peregrine.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin checkout's commit, read from real repositories made with the git binary. */
class PluginVersionTest {
  @TempDir Path dir;

  static String git(Path in, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=test", "-c", "user.email=test@example.org",
        "-c", "init.defaultBranch=master", "-C", in.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    return out;
  }

  Path checkout() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("plugins"));
    git(repo, "init", "-q");
    Files.writeString(repo.resolve("60_ntp.sh"), "#!/bin/sh\necho []\n");
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "first");
    Files.writeString(repo.resolve("60_ntp.sh"), "#!/bin/sh\necho '[]'\n");
    git(repo, "commit", "-q", "-am", "second");
    return repo;
  }

  @Test
  void aCheckoutReportsItsHeadCommitLikeGitRevParse() throws Exception {
    Path repo = checkout();
    String head = git(repo, "rev-parse", "HEAD");
    assertThat(head).hasSize(40);
    assertThat(PluginVersion.of(repo)).as("loose branch ref").isEqualTo(head);

    git(repo, "pack-refs", "--all");
    assertThat(repo.resolve(".git/refs/heads/master")).doesNotExist();
    assertThat(PluginVersion.of(repo)).as("packed ref").isEqualTo(head);

    git(repo, "checkout", "-q", "--detach", "HEAD~1");
    assertThat(PluginVersion.of(repo)).as("detached HEAD").isEqualTo(git(repo, "rev-parse", "HEAD"))
        .isNotEqualTo(head);
  }

  @Test
  void aWorktreeReadsThroughItsGitFile() throws Exception {
    Path repo = checkout();
    Path wt = dir.resolve("wt");
    git(repo, "worktree", "add", "-q", "-b", "side", wt.toString(), "HEAD~1");
    assertThat(Files.isRegularFile(wt.resolve(".git"))).isTrue();
    assertThat(PluginVersion.of(wt)).isEqualTo(git(wt, "rev-parse", "HEAD"));
  }

  @Test
  void notACheckoutIsEmpty() throws Exception {
    assertThat(PluginVersion.of(dir)).isEmpty();
    assertThat(PluginVersion.of(dir.resolve("missing"))).isEmpty();
    Files.createDirectories(dir.resolve("broken/.git"));
    Files.writeString(dir.resolve("broken/.git/HEAD"), "ref: refs/heads/nowhere\n");
    assertThat(PluginVersion.of(dir.resolve("broken"))).isEmpty();
  }
}
