package io.peregrine.graph.store;

import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segment files under {@code dataDir/segments}: segment {@code n} holds slots {@code n * 4096 .. n * 4096 + 4095}
 * in {@code seg-<n>.dat}, every one with the store's {@link ArchiveLayout}. A segment written with another
 * {@code graph.rawRows} stops the store from opening (nothing is moved). A segment that fails its other checks at
 * start (wrong length: truncated; wrong header: damaged) is moved aside as {@code seg-<n>.dat.corrupt-<millis>},
 * logged at ERROR and counted on {@code graph_corrupt_files_total}; a fresh one takes its place, so its series start
 * again empty instead of the node failing.
 *
 * <p>Readers and the writer meet on per-slot lock stripes: a read sees a series between two samples, never in the
 * middle of one.
 */
final class SegmentFiles implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SegmentFiles.class);
  private static final int STRIPES = 1024;

  private final Path dir;
  private final ArchiveLayout layout;
  private final Counter corrupt;
  private final Object[] locks = new Object[STRIPES];
  private final Object growLock = new Object();
  private volatile Segment[] segments = new Segment[0];

  SegmentFiles(Path dataDir, ArchiveLayout layout, Counter corrupt) {
    this.dir = dataDir.resolve("segments");
    this.layout = layout;
    this.corrupt = corrupt;
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  ArchiveLayout layout() {
    return layout;
  }

  /**
   * Opens every segment present; returns how many were moved aside as corrupt.
   *
   * @throws Segment.LayoutMismatchException when a segment was written with another {@code graph.rawRows}; every
   *     file is checked for that first, so nothing is moved aside or opened in such a directory
   */
  int open() throws IOException {
    Files.createDirectories(dir);
    int highest = -1;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Integer n = number(p.getFileName().toString());
        if (n != null) {
          highest = Math.max(highest, n);
        }
      }
    }
    for (int n = 0; n <= highest; n++) {
      if (Files.exists(path(n))) {
        Segment.checkLayout(path(n), layout);
      }
    }
    int moved = 0;
    Segment[] opened = new Segment[highest + 1];
    segments = opened; // so that close() releases what was opened if a later file fails
    for (int n = 0; n <= highest; n++) {
      Path p = path(n);
      if (!Files.exists(p)) {
        continue;
      }
      try {
        opened[n] = Segment.open(n, p, layout);
      } catch (Segment.CorruptSegmentException e) {
        moved++;
        opened[n] = replaceCorrupt(n, p, e.getMessage());
      }
    }
    return moved;
  }

  private Segment replaceCorrupt(int n, Path p, String why) throws IOException {
    Path aside = p.resolveSibling(p.getFileName() + ".corrupt-" + System.currentTimeMillis());
    Files.move(p, aside, StandardCopyOption.ATOMIC_MOVE);
    corrupt.increment();
    log.error("graph-store: {}; moved it aside to {} and started the segment afresh: the series of slots {}..{} "
        + "keep their names but lose their history", why, aside, n * Segment.SLOTS, (n + 1) * Segment.SLOTS - 1);
    return Segment.open(n, p, layout);
  }

  private static Integer number(String name) {
    if (!name.startsWith("seg-") || !name.endsWith(".dat")) {
      return null;
    }
    try {
      return Integer.parseInt(name.substring(4, name.length() - 4));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private Path path(int n) {
    return dir.resolve(String.format("seg-%05d.dat", n));
  }

  /** The segment holding a slot, created when it does not exist yet (the writer's path). */
  Segment forWrite(int slot) throws IOException {
    int n = slot / Segment.SLOTS;
    Segment[] s = segments;
    if (n < s.length && s[n] != null) {
      return s[n];
    }
    synchronized (growLock) {
      s = segments;
      if (n >= s.length || s[n] == null) {
        Segment[] grown = Arrays.copyOf(s, Math.max(s.length, n + 1));
        grown[n] = Segment.open(n, path(n), layout);
        segments = grown;
        log.info("graph-store: created segment {} for slots {}..{}", grown[n].path, n * Segment.SLOTS,
            (n + 1) * Segment.SLOTS - 1);
      }
      return segments[n];
    }
  }

  /** The segment holding a slot, or null when it was never created (readers). */
  Segment forRead(int slot) {
    int n = slot / Segment.SLOTS;
    Segment[] s = segments;
    return n < s.length ? s[n] : null;
  }

  static int local(int slot) {
    return slot % Segment.SLOTS;
  }

  Object lock(int slot) {
    return locks[slot & (STRIPES - 1)];
  }

  int count() {
    int n = 0;
    for (Segment s : segments) {
      n += s == null ? 0 : 1;
    }
    return n;
  }

  /** Makes every segment durable (msync); see the flush schedule in {@link GraphStore}. */
  void force() {
    for (Segment s : segments) {
      if (s != null) {
        s.force();
      }
    }
  }

  @Override
  public void close() {
    for (Segment s : segments) {
      if (s != null) {
        try {
          s.close();
        } catch (IOException e) {
          log.warn("graph-store: closing {} failed", s.path, e);
        }
      }
    }
  }
}
