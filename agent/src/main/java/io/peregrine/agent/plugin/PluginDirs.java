package io.peregrine.agent.plugin;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where plugins are looked for. Directories hbs names are relative to {@code pluginRoot} (as in Open-Falcon, whose
 * hbs names directories of the agent's plugin checkout) and must stay inside it: hbs can choose which of the root's
 * plugins run, never make the agent run any other executable on the host. Directories from the agent's own config
 * ({@code pluginDirs}) may be absolute (a ConfigMap mount) or relative to the root. Only the files directly in a
 * directory are plugins (not its subdirectories), and only executable regular files named {@code <step>_<name>}.
 */
final class PluginDirs {
  private static final Logger log = LoggerFactory.getLogger(PluginDirs.class);

  private final Path root;
  private final List<String> local;
  private final Set<String> logged = ConcurrentHashMap.newKeySet();

  PluginDirs(Path root, List<String> local) {
    this.root = root.toAbsolutePath().normalize();
    this.local = List.copyOf(local);
  }

  /** The directories in force with hbs's current list: local ones first, then hbs's, each once. */
  List<Path> resolve(List<String> fromHbs) {
    Map<Path, Boolean> out = new LinkedHashMap<>();
    for (String d : local) {
      out.put(root.resolve(d).toAbsolutePath().normalize(), true);
    }
    for (String d : fromHbs) {
      Path p = root.resolve(d.trim()).normalize();
      if (d.isBlank() || Path.of(d.trim()).isAbsolute() || !p.startsWith(root)) {
        once("plugin directory '" + d + "' from hbs is not a relative path inside the plugin root " + root
            + ": ignored");
        continue;
      }
      out.put(p, true);
    }
    return new ArrayList<>(out.keySet());
  }

  /** The plugins in these directories, by id; a missing directory is logged once and skipped. */
  Map<String, Plugin> scan(List<Path> dirs) {
    Map<String, Plugin> out = new LinkedHashMap<>();
    for (Path dir : dirs) {
      if (!Files.isDirectory(dir)) {
        once("plugin directory " + dir + " does not exist (yet)");
        continue;
      }
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
        for (Path f : files) {
          if (!Files.isRegularFile(f)) {
            continue;
          }
          String id = f.startsWith(root) ? root.relativize(f).toString() : f.toString();
          Optional<Plugin> p = Plugin.of(f, id);
          if (p.isEmpty()) {
            continue; // README, helper scripts: not named <step>_<name>
          }
          if (!Files.isExecutable(f)) {
            once("plugin " + id + " is not executable: not run (chmod +x it)");
            continue;
          }
          out.put(id, p.get());
        }
      } catch (IOException e) {
        once("cannot list plugin directory " + dir + ": " + e);
      }
    }
    return out;
  }

  Path root() {
    return root;
  }

  private void once(String message) {
    if (logged.add(message)) {
      log.warn("agent-plugins: {}", message);
    }
  }
}
