package io.peregrine.graph.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peregrine.common.model.SeriesKey;
import io.peregrine.proto.v1.Sample;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every series graph has stored: series key to endpoint, metric, tags, step, counter type and RRD file. Kept in
 * memory, sorted by key (listing by endpoint is a range scan), and persisted as an append-only file of JSON lines,
 * {@code series.idx}: a series is written there before its RRD file is created, so after a crash a file never
 * exists without its entry. A torn last line (a crash mid-append) is cut off at load.
 *
 * <p>File names are the MD5 of the series key (keys hold '/', ':' and any text), fanned out over 256 directories;
 * in the never-seen case of two keys with the same hash the second gets a suffix. Only the writer thread adds
 * series; readers see the map concurrently.
 */
final class SeriesIndex implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SeriesIndex.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String FILE_NAME = "series.idx";

  private final Path dataDir;
  private final Path file;
  private final ConcurrentSkipListMap<String, SeriesState> series = new ConcurrentSkipListMap<>();
  /** Touched by the writer thread only (and by load before it starts). */
  private final Set<String> usedFiles = new HashSet<>();
  /** The map's size() walks every entry; metrics read this often. */
  private final AtomicInteger count = new AtomicInteger();
  private FileChannel out;
  private boolean dirty;

  SeriesIndex(Path dataDir) {
    this.dataDir = dataDir;
    this.file = dataDir.resolve(FILE_NAME);
  }

  /** Reads the index and opens it for appending; returns how many series it holds. */
  int load() throws IOException {
    if (Files.exists(file)) {
      byte[] bytes = Files.readAllBytes(file);
      int end = bytes.length;
      while (end > 0 && bytes[end - 1] != '\n') {
        end--;
      }
      if (end < bytes.length) {
        log.warn("graph: {} ends with {} bytes of an unfinished entry (a crash while adding a series); cutting them off",
            file, bytes.length - end);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.truncate(end);
        }
      }
      int lineNo = 0;
      for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        try {
          SeriesMeta meta = JSON.readValue(line, SeriesMeta.class);
          if (series.put(meta.key(), new SeriesState(meta)) == null) {
            count.incrementAndGet();
          }
          usedFiles.add(meta.file());
        } catch (JsonProcessingException e) {
          log.warn("graph: skipping unreadable line {} of {}: {}", lineNo, file, e.getOriginalMessage());
        }
      }
    }
    out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    return count.get();
  }

  SeriesState get(String key) {
    return series.get(key);
  }

  int size() {
    return count.get();
  }

  /** Adds a series for its first sample and appends it to the file (made durable by {@link #sync()}). */
  SeriesState create(String key, Sample first) throws IOException {
    String hash = SeriesKey.md5Hex(key);
    String name = "rrd/" + hash.substring(0, 2) + "/" + hash;
    String fileName = name + ".rrd";
    for (int n = 2; usedFiles.contains(fileName); n++) {
      fileName = name + "-" + n + ".rrd";
    }
    SeriesMeta meta = new SeriesMeta(key, first.getEndpoint(), first.getMetric(), first.getTags(), first.getStep(),
        first.getCounterType(), fileName);
    ByteBuffer line = ByteBuffer.wrap((JSON.writeValueAsString(meta) + "\n").getBytes(StandardCharsets.UTF_8));
    while (line.hasRemaining()) {
      out.write(line);
    }
    dirty = true;
    usedFiles.add(fileName);
    SeriesState state = new SeriesState(meta);
    series.put(key, state);
    count.incrementAndGet();
    return state;
  }

  /** Forces added entries to disk; called once per writer batch that created series. */
  void sync() throws IOException {
    if (dirty) {
      out.force(false);
      dirty = false;
    }
  }

  Path path(SeriesMeta meta) {
    return dataDir.resolve(meta.file());
  }

  /**
   * Series in key order, filtered by exact endpoint (empty: all) and metric prefix (empty: all), at most
   * {@code limit}.
   */
  SeriesPage list(String endpoint, String metricPrefix, int limit) {
    List<SeriesMeta> found = new ArrayList<>(Math.min(limit, 1024));
    // with an endpoint, the matches sit together from "endpoint/prefix" on
    String from = endpoint.isEmpty() ? "" : SeriesKey.of(endpoint, metricPrefix, "");
    from = from.isEmpty() ? "" : from.substring(0, from.length() - 1);
    NavigableMap<String, SeriesState> range = series.tailMap(from, true);
    for (Map.Entry<String, SeriesState> e : range.entrySet()) {
      if (!from.isEmpty() && !e.getKey().startsWith(from)) {
        break;
      }
      SeriesMeta m = e.getValue().meta;
      if ((endpoint.isEmpty() || m.endpoint().equals(endpoint)) && m.metric().startsWith(metricPrefix)) {
        if (found.size() == limit) {
          return new SeriesPage(found, true);
        }
        found.add(m);
      }
    }
    return new SeriesPage(found, false);
  }

  @Override
  public void close() {
    if (out == null) {
      return;
    }
    try {
      out.force(false);
      out.close();
    } catch (IOException e) {
      log.warn("graph: closing {} failed", file, e);
    }
  }
}
