package io.peregrine.transfer.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code consumers} file of an ingest log: one line {@code id<TAB>name} per consumer (lane) that ever wrote to
 * it, so a record's part ids keep naming the same lane across restarts and config changes. Rewritten whole (temporary
 * file, forced, renamed) before a new id is used; a consumer no longer configured keeps its id (its parts are
 * skipped by everyone and go with their segments).
 */
final class ConsumerRegistry {
  private static final Logger log = LoggerFactory.getLogger(ConsumerRegistry.class);
  static final int MAX_ID = 0xFFFF;

  private ConsumerRegistry() {}

  /** The ids of {@code names}, assigning (and persisting) new ones for names not seen before. */
  static int[] ids(Path dir, List<String> names) throws IOException {
    Path file = dir.resolve("consumers");
    Map<String, Integer> known = new LinkedHashMap<>();
    int max = -1;
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int tab = line.indexOf('\t');
        if (tab <= 0) {
          continue;
        }
        try {
          int id = Integer.parseInt(line.substring(0, tab));
          known.put(line.substring(tab + 1), id);
          max = Math.max(max, id);
        } catch (NumberFormatException e) {
          log.warn("queue {}: ignoring a bad line of the consumers file: {}", dir, line);
        }
      }
    }
    boolean added = false;
    int[] ids = new int[names.size()];
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      if (n.indexOf('\t') >= 0 || n.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("queue consumer name has a tab or newline: " + n);
      }
      Integer id = known.get(n);
      if (id == null) {
        if (max >= MAX_ID) {
          throw new IOException("queue " + dir + ": more than " + (MAX_ID + 1) + " consumers ever; start with an "
              + "empty queue directory");
        }
        id = ++max;
        known.put(n, id);
        added = true;
      }
      ids[i] = id;
    }
    if (added) {
      StringBuilder b = new StringBuilder();
      known.forEach((n, id) -> b.append(id).append('\t').append(n).append('\n'));
      Path tmp = dir.resolve("consumers.tmp");
      Files.writeString(tmp, b, StandardCharsets.UTF_8);
      try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        c.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    return ids;
  }
}
