package io.peregrine.agent.plugin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The plugin version heartbeated to hbs, as Open-Falcon's agent reports it: the commit the plugin checkout
 * ({@code pluginRoot}) is at, what {@code git rev-parse HEAD} prints there. Read from the repository's files rather
 * than by running git, which hosts and containers often lack: {@code .git} (a directory, or a file
 * {@code gitdir: ...} for worktrees and submodules), {@code HEAD} (a commit, or {@code ref: refs/heads/x}), the loose
 * ref, then {@code packed-refs}. Empty when the root is not a git checkout or the commit cannot be read.
 */
public final class PluginVersion {
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}([0-9a-f]{24})?");

  private PluginVersion() {}

  public static String of(Path pluginRoot) {
    try {
      Path gitDir = gitDir(pluginRoot.toAbsolutePath().normalize());
      if (gitDir == null) {
        return "";
      }
      String head = read(gitDir.resolve("HEAD"));
      if (head == null) {
        return "";
      }
      for (int depth = 0; depth < 5 && head.startsWith("ref:"); depth++) { // a symbolic ref may name another
        String ref = head.substring(4).trim();
        Path common = commonDir(gitDir);
        String target = read(gitDir.resolve(ref));
        if (target == null) {
          target = read(common.resolve(ref));
        }
        if (target == null) {
          target = packed(common, ref);
        }
        if (target == null) {
          return "";
        }
        head = target;
      }
      return COMMIT.matcher(head).matches() ? head : "";
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** The repository directory of a checkout: {@code .git} itself, or where a {@code .git} file points. */
  private static Path gitDir(Path root) throws IOException {
    Path dotGit = root.resolve(".git");
    if (Files.isDirectory(dotGit)) {
      return dotGit;
    }
    String pointer = read(dotGit);
    if (pointer != null && pointer.startsWith("gitdir:")) {
      return root.resolve(pointer.substring(7).trim()).normalize();
    }
    return null;
  }

  /** Where branches live: a worktree's repository names it in {@code commondir}. */
  private static Path commonDir(Path gitDir) throws IOException {
    String common = read(gitDir.resolve("commondir"));
    return common == null ? gitDir : gitDir.resolve(common).normalize();
  }

  private static String packed(Path gitDir, String ref) throws IOException {
    Path file = gitDir.resolve("packed-refs");
    if (!Files.isRegularFile(file)) {
      return null;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int space = line.indexOf(' ');
      if (space > 0 && !line.startsWith("#") && !line.startsWith("^") && line.substring(space + 1).equals(ref)) {
        return line.substring(0, space);
      }
    }
    return null;
  }

  /** The first line of a small file, trimmed; null when it is absent. */
  private static String read(Path file) throws IOException {
    if (!Files.isRegularFile(file) || Files.size(file) > 4096) {
      return null;
    }
    String text = Files.readString(file, StandardCharsets.UTF_8).trim();
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl).trim();
  }
}
