package io.peregrine.agent.plugin;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One plugin: an executable file named {@code <step>_<name>} (Open-Falcon's convention, e.g. {@code 60_ntp.py}) run
 * every step seconds. {@code id} is the path relative to the plugin root (or the file's absolute path for a local
 * directory outside it): the plugin tag of agent_plugin_runs and the name in log lines.
 */
record Plugin(Path file, String id, int stepSeconds) {
  private static final Pattern NAME = Pattern.compile("([1-9][0-9]{0,5})_(.+)");
  /** One day: a longer period is a cron job, not a monitoring plugin. */
  static final int MAX_STEP_SECONDS = 86_400;

  /** The plugin for a file name, if it follows {@code <step>_<name>} with a step of 1..86400 seconds. */
  static Optional<Plugin> of(Path file, String id) {
    Matcher m = NAME.matcher(file.getFileName().toString());
    if (!m.matches()) {
      return Optional.empty();
    }
    int step = Integer.parseInt(m.group(1));
    return step > MAX_STEP_SECONDS ? Optional.empty() : Optional.of(new Plugin(file, id, step));
  }

  /** Open-Falcon's: half a second less than the step, so a run ends before the next one is due. */
  long timeoutMillis() {
    return stepSeconds * 1000L - 500;
  }
}
