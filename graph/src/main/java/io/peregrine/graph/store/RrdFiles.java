package io.peregrine.graph.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rrd4j.core.RrdDb;
import org.rrd4j.core.RrdDbPool;
import org.rrd4j.core.RrdDef;
import org.rrd4j.core.RrdNioBackendFactory;
import org.rrd4j.core.RrdSyncThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access to the RRD files. They are memory-mapped (rrd4j's NIO backend: an update is a few memory writes into the
 * page cache, which the kernel writes back like any file write; as with rrdtool nothing is fsynced, so a process
 * crash loses nothing written, a machine crash the last seconds). rrd4j's pool hands every user of a file the same
 * instance, whose methods are synchronised, so a query never reads a half-applied update.
 *
 * <p>The writer keeps up to {@code maxOpen} files open between batches, least recently written closed first; a
 * query takes a file from the pool for the length of one read (sharing the writer's instance when it is open). The
 * pool's capacity leaves room for the readers beyond the writer's files, so a query never waits for one.
 */
final class RrdFiles implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RrdFiles.class);
  /** Files readers may hold at once: more than the query threads of both transports can ever use. */
  private static final int READER_SLOTS = 512;

  /** A read of one open file. */
  interface Read<T> {
    T apply(RrdDb db) throws IOException;
  }

  private final RrdNioBackendFactory factory;
  private final RrdDbPool pool;
  private final int maxOpen;
  /** The writer's open files by path, in access order; touched by the writer thread only. */
  private final LinkedHashMap<Path, RrdDb> writing = new LinkedHashMap<>(64, 0.75f, true);
  private volatile int writingCount;

  RrdFiles(int maxOpen) {
    this.maxOpen = maxOpen;
    // no sync pool: a periodic msync per file costs a disk write per close and adds nothing the kernel's own
    // writeback does not already do
    this.factory = new RrdNioBackendFactory(0, (RrdSyncThreadPool) null);
    this.pool = new RrdDbPool(factory);
    pool.setCapacity(maxOpen + READER_SLOTS);
  }

  /**
   * Writer thread: the file, kept open until evicted. Creates it (starting just before {@code firstTimestamp})
   * when it does not exist; moves an unreadable one aside and starts a new one, since refusing every future sample
   * of the series would be worse.
   */
  RrdDb forWrite(Path path, SeriesMeta meta, long firstTimestamp) throws IOException {
    RrdDb db = writing.get(path);
    if (db != null) {
      return db;
    }
    if (writing.size() >= maxOpen) {
      Map.Entry<Path, RrdDb> eldest = writing.entrySet().iterator().next();
      writing.remove(eldest.getKey());
      closeQuietly(eldest.getValue());
    }
    if (Files.exists(path) && Files.size(path) > 0) {
      try {
        db = open(path);
      } catch (IOException | RuntimeException e) {
        Path aside = path.resolveSibling(path.getFileName() + ".corrupt-" + System.currentTimeMillis());
        log.error("graph: RRD file {} of series {} cannot be opened ({}); moved it to {} and starting a new file",
            path, meta.key(), e.toString(), aside);
        Files.move(path, aside, StandardCopyOption.REPLACE_EXISTING);
        db = create(path, meta, firstTimestamp);
      }
    } else {
      db = create(path, meta, firstTimestamp);
    }
    writing.put(path, db);
    writingCount = writing.size();
    return db;
  }

  /** Writer thread: closes a file after an error so that the next batch opens it afresh. */
  void forget(Path path) {
    RrdDb db = writing.remove(path);
    writingCount = writing.size();
    if (db != null) {
      closeQuietly(db);
    }
  }

  /** Any thread: runs {@code read} on the file, which must exist. */
  <T> T read(Path path, Read<T> read) throws IOException {
    try (RrdDb db = open(path)) {
      return read.apply(db);
    }
  }

  int openForWriting() {
    return writingCount;
  }

  private RrdDb open(Path path) throws IOException {
    return RrdDb.getBuilder().setPath(path.toUri()).setBackendFactory(factory).setPool(pool).build();
  }

  private RrdDb create(Path path, SeriesMeta meta, long firstTimestamp) throws IOException {
    Files.createDirectories(path.getParent());
    RrdDef def = RrdLayout.definition(path.toUri(), meta, firstTimestamp);
    return RrdDb.getBuilder().setRrdDef(def).setBackendFactory(factory).setPool(pool).build();
  }

  private static void closeQuietly(RrdDb db) {
    try {
      db.close();
    } catch (IOException | RuntimeException e) {
      log.warn("graph: closing RRD file {} failed", db.getPath(), e);
    }
  }

  /** Writer stopped: closes every open file. */
  @Override
  public void close() {
    List<RrdDb> all = new ArrayList<>(writing.values());
    writing.clear();
    writingCount = 0;
    all.forEach(RrdFiles::closeQuietly);
    factory.close();
  }
}
