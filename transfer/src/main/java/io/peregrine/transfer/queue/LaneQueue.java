package io.peregrine.transfer.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The queue in front of one sending lane: chunks of encoded samples, in order, bounded in bytes.
 *
 * <p>Disk-backed, the lane is a consumer of the transfer's one {@link IngestLog}: every chunk was written there
 * (with the other lanes' chunks of the same request, one record) before it reaches this queue, so an accepted chunk
 * survives {@code kill -9}; a copy is kept in memory while the memory budget allows, so the worker need not read it
 * back. Once a chunk did not fit in memory, later chunks stay on disk only until the worker has caught up reading
 * its parts from the log, which keeps the order: memory always holds the oldest undelivered chunks. Without a log
 * the queue is memory only (lost on a crash; documented as such).
 *
 * <p>Full: {@link #hasRoom()} is false when the destination's disk budget is spent ({@link IngestLog.Group}; memory
 * only: the memory budget); ingest then refuses the whole batch before appending anything, so a client's retry never
 * duplicates a sample here. The check and the append are not one atomic step, so concurrent batches may overshoot a
 * budget by at most one batch each; that bounded overshoot is what keeps ingest lock-free across lanes.
 *
 * <p>A chunk's payload starts with its sample count (4 bytes, big-endian), then the samples, each framed as field 1
 * of a {@code SampleBatch}: a concatenation of chunk bodies is a valid {@code SampleBatch} encoding.
 */
public final class LaneQueue implements AutoCloseable {
  /** Worker's view of what it took: the chunks, their sample count, and how to acknowledge them. */
  public static final class Batch {
    public final List<byte[]> chunks = new ArrayList<>();
    public int samples;
    public int bytes;
    long memoryBytes;
    SegmentLog.Pos end;
  }

  private record Entry(byte[] chunk, SegmentLog.Pos end) {}

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition nonEmpty = lock.newCondition();
  private final ArrayDeque<Entry> memory = new ArrayDeque<>();
  private final long memoryBudget;
  private final long diskBudget;
  private final IngestLog ingest; // null: memory only
  private final IngestLog.Consumer consumer;
  private final boolean ownsLog;
  private long memoryBytes; // held by chunks in memory or taken and not yet acknowledged
  private long queuedSamples;
  private long memorySamples; // samples of the chunks in memory, not yet taken
  private boolean lingering; // the worker waits for a fuller batch: wake it only once that is reached
  private int lingerTarget;
  private boolean backlogOnDisk;
  private SegmentLog.Pos next; // where the worker reads on disk once memory is drained
  private SegmentLog.Pos announced; // end of the newest record with a part for this queue: disk reads stop there
  private int inFlight; // batches taken and not yet acknowledged
  private long recoveredBytes;

  private LaneQueue(long memoryBudget, long diskBudget, IngestLog ingest, IngestLog.Consumer consumer,
      boolean ownsLog) {
    this.memoryBudget = memoryBudget;
    this.diskBudget = diskBudget;
    this.ingest = ingest;
    this.consumer = consumer;
    this.ownsLog = ownsLog;
    if (consumer != null) {
      consumer.queue = this;
      this.next = consumer.start;
      this.announced = consumer.lastAppended;
      this.backlogOnDisk = next.compareTo(announced) < 0;
      this.recoveredBytes = backlogOnDisk ? ingest.pinnedBytes(consumer) : 0;
    }
  }

  public static LaneQueue inMemory(long memoryBudget) {
    return new LaneQueue(memoryBudget, 0, null, null, false);
  }

  /** A queue with a log of its own in {@code dir} (one consumer; the log is closed with the queue). */
  public static LaneQueue onDisk(Path dir, long memoryBudget, long diskBudget, long segmentBytes)
      throws IOException {
    IngestLog log = IngestLog.open(dir, segmentBytes, List.of("lane"));
    log.group(new int[] {0}, diskBudget);
    return new LaneQueue(memoryBudget, diskBudget, log, log.consumer(0), true);
  }

  /**
   * The queue of the {@code index}-th consumer of a shared log (its group, the destination, set on the log
   * beforehand); the log is synced and closed by its owner, not by the queue.
   */
  public static LaneQueue shared(IngestLog log, int index, long memoryBudget) {
    IngestLog.Consumer c = log.consumer(index);
    return new LaneQueue(memoryBudget, c.group.budget(), log, c, false);
  }

  public boolean durable() {
    return ingest != null;
  }

  /** The log this queue reads (null: memory only). */
  public IngestLog ingestLog() {
    return ingest;
  }

  IngestLog.Consumer consumer() {
    return consumer;
  }

  /** True while another batch may be appended (see the class comment on overshoot). */
  public boolean hasRoom() {
    if (ingest != null) {
      return consumer.group.hasRoom();
    }
    lock.lock();
    try {
      return memoryBytes < memoryBudget;
    } finally {
      lock.unlock();
    }
  }

  /** Appends a chunk (ownership passes to the queue); disk-backed, it is written to the log first, alone. */
  public void append(byte[] chunk, int samples) throws IOException {
    if (ingest != null) {
      ingest.append(new LaneQueue[] {this}, new byte[][] {chunk}, new int[] {samples}, 1);
      return;
    }
    lock.lock();
    try {
      queuedSamples += samples;
      memory.add(new Entry(chunk, null));
      memoryBytes += chunk.length;
      memorySamples += samples;
      signal();
    } finally {
      lock.unlock();
    }
  }

  /** Called by the log, under its lock, once {@code chunk} is written in the record that ends at {@code end}. */
  void appended(byte[] chunk, int samples, SegmentLog.Pos end) {
    lock.lock();
    try {
      queuedSamples += samples;
      announced = end;
      if (!backlogOnDisk && memoryBytes + chunk.length <= memoryBudget) {
        memory.add(new Entry(chunk, end));
        memoryBytes += chunk.length;
        memorySamples += samples;
      } else {
        backlogOnDisk = true;
      }
      signal();
    } finally {
      lock.unlock();
    }
  }

  private void signal() {
    if (!lingering || backlogOnDisk || memorySamples >= lingerTarget) {
      nonEmpty.signal(); // a lingering worker sleeps on until its batch is full: no wake-up per request
    }
  }

  /**
   * Takes the oldest chunks, up to {@code maxSamples} (at least one chunk), waiting up to {@code timeoutNanos} for
   * the first. The chunks stay counted until {@link #ack}.
   *
   * @return null when nothing arrived in time
   */
  public Batch take(int maxSamples, long maxBytes, long timeoutNanos) throws InterruptedException, IOException {
    return take(maxSamples, maxBytes, timeoutNanos, 0);
  }

  /**
   * As {@link #take(int, long, long)}, but once the first chunk is there, waits up to {@code lingerNanos} more for
   * {@code maxSamples} to gather (unless a backlog is on disk): one call of 2,000 samples costs a node and transfer
   * far less than twenty of 100, at the price of that much latency.
   */
  public Batch take(int maxSamples, long maxBytes, long timeoutNanos, long lingerNanos)
      throws InterruptedException, IOException {
    SegmentLog.Pos skipped = null;
    Batch b = new Batch();
    lock.lock();
    try {
      long wait = timeoutNanos;
      while (memory.isEmpty() && !backlogOnDisk) {
        if (wait <= 0) {
          return null;
        }
        wait = nonEmpty.awaitNanos(wait);
      }
      if (lingerNanos > 0 && !backlogOnDisk && memorySamples < maxSamples) {
        long linger = lingerNanos;
        lingerTarget = maxSamples;
        lingering = true;
        try {
          while (linger > 0 && !backlogOnDisk && memorySamples < maxSamples) {
            linger = nonEmpty.awaitNanos(linger);
          }
        } finally {
          lingering = false;
        }
      }
      while (!memory.isEmpty()) {
        Entry e = memory.peek();
        int n = count(e.chunk);
        if (!b.chunks.isEmpty() && (b.samples + n > maxSamples || b.bytes + e.chunk.length > maxBytes)) {
          inFlight++;
          return b;
        }
        memory.poll();
        memorySamples -= n;
        add(b, e.chunk, n);
        b.memoryBytes += e.chunk.length;
        b.end = e.end;
        next = e.end;
      }
      while (backlogOnDisk) {
        SegmentReader.Record r = next.compareTo(announced) < 0
            ? consumer.reader.read(next, announced, consumer.id) : null;
        if (r == null) {
          backlogOnDisk = false;
          break;
        }
        byte[] part = r.payload();
        if (part == null) {
          next = r.next(); // another lane's record
          continue;
        }
        int n = count(part);
        if (!b.chunks.isEmpty() && (b.samples + n > maxSamples || b.bytes + part.length > maxBytes)) {
          break;
        }
        add(b, part, n);
        b.end = r.next();
        next = r.next();
      }
      if (b.chunks.isEmpty()) {
        if (inFlight == 0 && next != null) {
          skipped = next; // only other lanes' records were left: move this lane's ack past them
        }
        b = null;
      } else {
        inFlight++;
      }
    } finally {
      lock.unlock();
    }
    if (skipped != null) {
      ingest.ack(consumer, skipped);
    }
    return b;
  }

  private static void add(Batch b, byte[] chunk, int n) {
    b.chunks.add(chunk);
    b.samples += n;
    b.bytes += chunk.length - 4;
  }

  /** The batch was delivered (or given up on and counted): frees its memory and moves the disk read position. */
  public void ack(Batch b) throws IOException {
    lock.lock();
    try {
      memoryBytes -= b.memoryBytes;
      queuedSamples -= b.samples;
      if (queuedSamples < 0) {
        queuedSamples = 0; // chunks recovered from disk were never counted in
      }
      inFlight = Math.max(0, inFlight - 1);
    } finally {
      lock.unlock();
    }
    if (ingest != null && b.end != null) {
      ingest.ack(consumer, b.end); // outside this queue's lock: the log's lock comes first (see IngestLog)
    }
  }

  /** Forces the log to the device when this queue owns it (a shared log is synced by its owner). */
  public void sync() {
    if (!ownsLog) {
      return;
    }
    try {
      ingest.sync();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int count(byte[] chunk) {
    return ((chunk[0] & 0xFF) << 24) | ((chunk[1] & 0xFF) << 16) | ((chunk[2] & 0xFF) << 8) | (chunk[3] & 0xFF);
  }

  /** Samples appended and not yet acknowledged (not counting a backlog recovered from disk at start). */
  public long queuedSamples() {
    lock.lock();
    try {
      return queuedSamples;
    } finally {
      lock.unlock();
    }
  }

  public long memoryBytes() {
    lock.lock();
    try {
      return memoryBytes;
    } finally {
      lock.unlock();
    }
  }

  /** Bytes of the log this queue keeps on disk: from its oldest undelivered record on (whole segments). */
  public long diskBytes() {
    return ingest == null ? 0 : ingest.pinnedBytes(consumer);
  }

  /** True when undelivered chunks remain (in memory or on disk). */
  public boolean isEmpty() {
    lock.lock();
    try {
      return memory.isEmpty() && !backlogOnDisk;
    } finally {
      lock.unlock();
    }
  }

  /** Bytes cut from the log's torn tail at open (the log's figure: shared by every queue of a shared log). */
  public long tornBytes() {
    return ingest == null ? 0 : ingest.tornBytes();
  }

  public long corruptBytes() {
    lock.lock();
    try {
      return consumer == null ? 0 : consumer.reader.corruptBytes();
    } finally {
      lock.unlock();
    }
  }

  /** Bytes found undelivered on disk when the queue was opened (replayed first). */
  public long recoveredBytes() {
    return recoveredBytes;
  }

  public long memoryBudget() {
    return memoryBudget;
  }

  public long diskBudget() {
    return diskBudget;
  }

  /** Closes the log when this queue owns it; what is undelivered stays on disk for the next start. */
  @Override
  public void close() throws IOException {
    if (ownsLog) {
      ingest.close();
    }
  }
}
