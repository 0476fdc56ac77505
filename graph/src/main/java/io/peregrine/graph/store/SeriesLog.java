package io.peregrine.graph.store;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peregrine.common.model.SeriesKey;
import io.peregrine.proto.v1.CounterType;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file side of {@link SeriesIndex}: {@code series.log}, its JSON lines read at start, appended to (buffered per
 * writer batch), forced, compacted and, when damaged, copied aside. Kept apart so the index itself is only its
 * in-memory maps; the index decides what the entries mean ({@link Entries}) and when to compact.
 */
final class SeriesLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SeriesLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonStringEncoder ESCAPER = JsonStringEncoder.getInstance();

  /** What the log's lines say, in order; a RuntimeException thrown here marks that line unreadable. */
  interface Entries {
    void added(SeriesMeta meta);

    void deleted(int slot);
  }

  /** How many non-blank lines {@link #read} saw, and how many of them were skipped as unreadable. */
  record Read(int lines, int unreadable) {}

  private final Path file;
  private FileChannel out;
  private final StringBuilder pending = new StringBuilder();
  private boolean dirty;

  SeriesLog(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /** Reads every line into {@code into}, first cutting off a torn last line (a crash mid-append). */
  Read read(Entries into) throws IOException {
    int lines = 0;
    int unreadable = 0;
    if (!Files.exists(file)) {
      return new Read(0, 0);
    }
    byte[] bytes = Files.readAllBytes(file);
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--;
    }
    if (end < bytes.length) {
      log.warn("graph-store: {} ends with {} bytes of an unfinished entry (a crash while adding a series); "
          + "cutting them off", file, bytes.length - end);
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
      lines++;
      try {
        JsonNode n = JSON.readTree(line);
        int slot = n.get("slot").asInt();
        if ("del".equals(n.path("op").asText())) {
          into.deleted(slot);
          continue;
        }
        String endpoint = n.get("endpoint").asText();
        String metric = n.get("metric").asText();
        String tags = n.get("tags").asText();
        int step = n.get("step").asInt();
        if (slot < 0 || slot >= SeriesIndex.MAX_SLOTS || step <= 0) { // checked first: a bad line changes nothing
          throw new IllegalArgumentException("slot " + slot + " or step " + step + " out of range");
        }
        into.added(new SeriesMeta(SeriesKey.of(endpoint, metric, tags), endpoint, metric, tags, step,
            CounterType.valueOf(n.get("counterType").asText()), slot));
      } catch (IOException | RuntimeException e) {
        unreadable++;
        log.warn("graph-store: skipping unreadable line {} of {}: {}", lineNo, file, e.getMessage());
      }
    }
    return new Read(lines, unreadable);
  }

  /** Copies the damaged log aside as {@code series.log.corrupt-<millis>}, for inspection. */
  Path keepDamagedCopy() throws IOException {
    Path aside = file.resolveSibling(SeriesIndex.FILE_NAME + ".corrupt-" + System.currentTimeMillis());
    Files.copy(file, aside);
    return aside;
  }

  /** Rewrites the log with {@code live} only: write a temporary file, sync it, rename it over the log. */
  void compact(Iterable<SeriesMeta> live, int count) throws IOException {
    Path tmp = file.resolveSibling(SeriesIndex.FILE_NAME + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      for (SeriesMeta m : live) {
        w.write(addLine(m));
      }
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    log.info("graph-store: rewrote {} with its {} live series", file, count);
  }

  /** Opens the log for appending; after {@link #read} (and any {@link #compact}). */
  void open() throws IOException {
    out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  /** The same JSON Jackson would write, built directly: series creation is on the writer's hot path. */
  static String addLine(SeriesMeta m) {
    StringBuilder b = new StringBuilder(96 + m.key().length());
    b.append("{\"op\":\"add\",\"slot\":").append(m.slot()).append(",\"endpoint\":\"");
    ESCAPER.quoteAsString(m.endpoint(), b);
    b.append("\",\"metric\":\"");
    ESCAPER.quoteAsString(m.metric(), b);
    b.append("\",\"tags\":\"");
    ESCAPER.quoteAsString(m.tags(), b);
    return b.append("\",\"step\":").append(m.step()).append(",\"counterType\":\"").append(m.counterType().name())
        .append("\"}\n").toString();
  }

  void appendAdd(SeriesMeta m) {
    append(addLine(m));
  }

  void appendDelete(int slot) {
    append("{\"op\":\"del\",\"slot\":" + slot + "}\n");
  }

  /** Buffered until {@link #sync()}: one write and one fsync per writer batch, not per series. */
  private void append(String line) {
    pending.append(line);
    dirty = true;
  }

  /** Writes the buffered entries to the file (the page cache); {@link #force()} makes them durable. */
  void sync() throws IOException {
    if (dirty) {
      ByteBuffer buf = ByteBuffer.wrap(pending.toString().getBytes(StandardCharsets.UTF_8));
      pending.setLength(0);
      while (buf.hasRemaining()) {
        out.write(buf);
      }
      dirty = false;
    }
  }

  /** Forces what {@link #sync()} wrote to the disk. Safe from any thread. */
  void force() throws IOException {
    if (out != null && out.isOpen()) {
      out.force(false);
    }
  }

  @Override
  public void close() {
    if (out == null) {
      return;
    }
    try {
      sync();
      out.force(false);
      out.close();
    } catch (IOException e) {
      log.warn("graph-store: closing {} failed", file, e);
    }
  }
}
