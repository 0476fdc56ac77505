package io.peregrine.transfer.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds disk queues of the layout before the shared ingest log ({@code queueDir/<cluster>/<node>/lane-N/*.seg}, one
 * log per lane), which this version does not read, and says so at start with their size: an operator upgrading with
 * a backlog drains it with the previous version first, or deletes it knowingly.
 */
public final class OldQueues {
  private static final Logger log = LoggerFactory.getLogger(OldQueues.class);

  private OldQueues() {}

  public static void warnIfAny(Path queueDir) {
    if (!Files.isDirectory(queueDir)) {
      return;
    }
    long[] found = new long[2];
    try (Stream<Path> files = Files.walk(queueDir, 4)) {
      files.filter(p -> p.getFileName().toString().endsWith(".seg"))
          .filter(p -> !p.getParent().equals(queueDir.resolve("ingest")))
          .forEach(p -> {
            found[0]++;
            try {
              found[1] += Files.size(p);
            } catch (IOException e) {
              // gone meanwhile
            }
          });
    } catch (IOException | java.io.UncheckedIOException e) {
      log.warn("transfer: could not look for old queue files under {}: {}", queueDir, e.toString());
      return;
    }
    if (found[0] > 0) {
      log.warn("transfer: {} queue segment files ({} bytes) of the per-lane layout under {} are not read by this "
          + "version (it keeps one shared log in {}/ingest); drain them with the previous version or delete them",
          found[0], found[1], queueDir, queueDir);
    }
  }
}
