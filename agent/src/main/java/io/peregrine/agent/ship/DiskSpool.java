package io.peregrine.agent.ship;

import com.google.protobuf.InvalidProtocolBufferException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.server.ThrottledLog;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches transfer could not take, one file per batch ({@code <sequence>-<samples>.batch}, the serialized
 * SampleBatch), oldest first. A file is written under a temporary name and renamed, so a crash never leaves half a
 * batch behind; the sequence continues across restarts, so a restarted agent replays what the last run left.
 *
 * <p>Bounded by {@code maxBytes}: a batch that does not fit deletes the oldest files until it does, and their samples
 * are counted as dropped (reason spool_full) and logged: when transfer is away too long, the newest data is kept.
 * A write that fails (disk full, read-only) drops that batch (reason spool_error). Used by the shipper's worker
 * thread only; the meters read atomics.
 */
final class DiskSpool {
  private static final Logger log = LoggerFactory.getLogger(DiskSpool.class);
  private static final Pattern NAME = Pattern.compile("(\\d{19})-(\\d+)\\.batch");

  /**
   * One spooled batch. {@code unsent}, when not null, is what is left to send of it after transfer took the rest and
   * the file could not be rewritten: sent instead of the file's contents, so nothing is sent twice by this process.
   */
  record Entry(long sequence, Path path, int samples, long bytes, WireSamples unsent) {
    Entry(long sequence, Path path, int samples, long bytes) {
      this(sequence, path, samples, bytes, null);
    }

    /** Samples of this batch not yet acknowledged. */
    int pending() {
      return unsent == null ? samples : unsent.size();
    }
  }

  private final Path dir;
  private final long maxBytes;
  private final Deque<Entry> entries = new ArrayDeque<>();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong samples = new AtomicLong();
  private final AtomicLong files = new AtomicLong();
  private final SampleLedger ledger;
  private final ThrottledLog errors = new ThrottledLog(log, Duration.ofMinutes(1));
  private long nextSequence = 1;

  /** A spool with a ledger of its own (tests of the spool alone). */
  DiskSpool(Path dir, long maxBytes, MeterRegistry registry) {
    this(dir, maxBytes, new SampleLedger(registry), registry);
  }

  DiskSpool(Path dir, long maxBytes, SampleLedger ledger, MeterRegistry registry) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.ledger = ledger;
    Gauge.builder("agent_spool_files", files, AtomicLong::get).description("batches in the disk spool")
        .register(registry);
    Gauge.builder("agent_spool_bytes", bytes, AtomicLong::get).description("disk used by the spool")
        .register(registry);
    Gauge.builder("agent_spool_max_bytes", () -> maxBytes).register(registry);
    for (String reason : new String[] {"spool_full", "spool_error", "spool_corrupt"}) {
      ledger.droppedCounter(reason); // shown as 0 from the start
    }
  }

  /** Creates the directory, removes half-written files, and takes over what an earlier run left. */
  void open() throws IOException {
    Files.createDirectories(dir);
    List<Entry> found = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path p : stream) {
        String name = p.getFileName().toString();
        Matcher m = NAME.matcher(name);
        if (name.endsWith(".tmp")) {
          Files.deleteIfExists(p);
        } else if (m.matches()) {
          found.add(new Entry(Long.parseLong(m.group(1)), p, Integer.parseInt(m.group(2)), Files.size(p)));
        }
      }
    }
    found.sort(Comparator.comparingLong(Entry::sequence).thenComparingInt(Entry::samples));
    for (Entry e : found) {
      Entry last = entries.peekLast();
      if (last != null && last.sequence() == e.sequence()) {
        // a crash while replace() rewrote a batch: the smaller file is the rewrite, the other was partly sent
        Files.deleteIfExists(e.path());
        continue;
      }
      add(e);
      ledger.restored(e.samples());
      nextSequence = e.sequence() + 1;
    }
    if (!found.isEmpty()) {
      log.info("agent-spool: {} holds {} batches ({} samples, {} bytes) from an earlier run; they are sent first",
          dir, files.get(), samples.get(), bytes.get());
    }
  }

  /**
   * Appends a batch the shipper holds; makes room by deleting the oldest batches when over the limit. False if it
   * could not write (the batch is dropped, reason spool_error).
   */
  boolean write(WireSamples batch) {
    int length = batch.byteLength();
    long lost = 0;
    int deleted = 0;
    while (!entries.isEmpty() && bytes.get() + length > maxBytes) {
      Entry oldest = entries.peekFirst();
      remove(oldest);
      ledger.droppedFromSpool("spool_full", oldest.pending());
      lost += oldest.pending();
      deleted++;
    }
    if (lost > 0) {
      log.warn("agent-spool: over {} bytes; deleted the {} oldest batches, {} samples lost (reason spool_full)",
          maxBytes, deleted, lost);
    }
    long sequence = nextSequence++;
    Path target = dir.resolve(String.format("%019d-%d.batch", sequence, batch.size()));
    Path tmp = dir.resolve(target.getFileName() + ".tmp");
    try {
      writeFile(tmp, batch);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      ledger.droppedFromHand("spool_error", batch.size());
      errors.warn("agent-spool: cannot write {} samples to {}: {} (dropped, reason spool_error)", batch.size(), dir,
          e.toString());
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the directory itself is failing; the log line above says so
      }
      return false;
    }
    add(new Entry(sequence, target, batch.size(), length));
    ledger.spooledFromHand(batch.size());
    return true;
  }

  /**
   * Rewrites a batch with the samples still to send (transfer took the others), keeping its place in the spool, so a
   * partly refused batch is sent again before anything newer. The rewrite is written beside the old file under the
   * same sequence, then the old file is deleted; a crash in between leaves both, and {@link #open} keeps the smaller.
   * If the rewrite cannot be written the file stays as it is and {@code rest} is kept in memory to be sent instead of
   * it (false returned); only a restart before it is sent would send the file whole again.
   */
  boolean replace(Entry e, WireSamples rest) {
    if (!entries.contains(e)) {
      throw new IllegalStateException("not a batch of this spool: " + e.path());
    }
    if (rest.size() == e.pending()) {
      return true;
    }
    Path target = dir.resolve(String.format("%019d-%d.batch", e.sequence(), rest.size()));
    Path tmp = dir.resolve(target.getFileName() + ".tmp");
    try {
      writeFile(tmp, rest);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      Files.delete(e.path());
    } catch (IOException ex) {
      errors.warn("agent-spool: cannot rewrite {} with its {} unsent samples: {}; they are kept in memory and sent "
          + "first (a restart before then sends the whole file again)", e.path(), rest.size(), ex.toString());
      swap(e, new Entry(e.sequence(), e.path(), e.samples(), e.bytes(), rest));
      samples.addAndGet(rest.size() - e.pending());
      return false;
    }
    Entry replaced = new Entry(e.sequence(), target, rest.size(), rest.byteLength());
    swap(e, replaced);
    bytes.addAndGet(replaced.bytes() - e.bytes());
    samples.addAndGet(replaced.samples() - e.pending());
    return true;
  }

  /** Puts {@code by} where {@code e} is in the spool's order (batches in flight are among the first few). */
  private void swap(Entry e, Entry by) {
    Deque<Entry> before = new ArrayDeque<>();
    while (entries.peekFirst() != e) {
      before.addLast(entries.pollFirst());
    }
    entries.pollFirst();
    entries.addFirst(by);
    while (!before.isEmpty()) {
      entries.addFirst(before.pollLast());
    }
  }

  /** The oldest batches, oldest first: at most {@code n}. */
  List<Entry> oldest(int n) {
    List<Entry> out = new ArrayList<>(Math.min(n, entries.size()));
    for (Entry e : entries) {
      if (out.size() == n) {
        break;
      }
      out.add(e);
    }
    return out;
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  Entry oldest() {
    return entries.peekFirst();
  }

  /** Reads a batch; a file that cannot be read or parsed is deleted, counted (spool_corrupt) and null returned. */
  WireSamples read(Entry e) {
    if (e.unsent() != null) {
      return e.unsent();
    }
    try {
      byte[] data = Files.readAllBytes(e.path());
      WireSamples batch = WireSamples.parse(data, data.length);
      if (batch.size() == e.samples()) {
        return batch;
      }
      errors.warn("agent-spool: {} holds {} samples, its name says {}; deleted, {} samples lost", e.path(),
          batch.size(), e.samples(), e.samples());
    } catch (InvalidProtocolBufferException ex) {
      errors.warn("agent-spool: {} is not a batch ({}); deleted, {} samples lost", e.path(), ex.getMessage(),
          e.samples());
    } catch (IOException ex) {
      errors.warn("agent-spool: cannot read {} ({}); deleted, {} samples lost", e.path(), ex.toString(), e.samples());
    }
    remove(e);
    ledger.droppedFromSpool("spool_corrupt", e.pending());
    return null;
  }

  /** The batch's bytes as they are: its records are a SampleBatch's encoding. */
  private static void writeFile(Path path, WireSamples batch) throws IOException {
    try (OutputStream out = Files.newOutputStream(path)) {
      out.write(batch.array(), 0, batch.byteLength());
    }
  }

  /** Deletes a batch (after transfer answered for it; the caller counts where its samples went). */
  void remove(Entry e) {
    if (!entries.remove(e)) {
      return;
    }
    bytes.addAndGet(-e.bytes());
    samples.addAndGet(-e.pending());
    files.decrementAndGet();
    try {
      Files.deleteIfExists(e.path());
    } catch (IOException ex) {
      errors.warn("agent-spool: cannot delete {}: {}; it may be sent again after a restart", e.path(), ex.toString());
    }
  }

  private void add(Entry e) {
    entries.addLast(e);
    bytes.addAndGet(e.bytes());
    samples.addAndGet(e.samples());
    files.incrementAndGet();
  }

  long files() {
    return files.get();
  }

  long samples() {
    return samples.get();
  }

  long bytes() {
    return bytes.get();
  }
}
