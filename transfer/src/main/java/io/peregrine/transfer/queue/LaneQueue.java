package io.peregrine.transfer.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The queue in front of one sending lane: chunks of encoded samples, in order, bounded in bytes.
 *
 * <p>With a directory, every chunk is written to the lane's {@link SegmentLog} before {@link #append} returns
 * (so an accepted chunk survives {@code kill -9}), and a copy is kept in memory while the memory budget allows, so
 * the worker need not read it back. Once a chunk did not fit in memory, later chunks stay on disk only until the
 * worker has caught up, which keeps the order: memory always holds the oldest undelivered chunks. Without a directory
 * the queue is memory only (lost on a crash; documented as such).
 *
 * <p>Full: {@link #hasRoom()} is false when the disk budget is spent (or, memory only, the memory budget); ingest
 * then refuses the whole batch before appending anything, so a client's retry never duplicates a sample here. The
 * check and the append are not one atomic step, so concurrent batches may overshoot a budget by at most one batch
 * each; that bounded overshoot is what keeps ingest lock-free across lanes.
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
  private final SegmentLog disk;
  private long memoryBytes; // held by chunks in memory or taken and not yet acknowledged
  private long queuedSamples;
  private long memorySamples; // samples of the chunks in memory, not yet taken
  private boolean lingering; // the worker waits for a fuller batch: wake it only once that is reached
  private int lingerTarget;
  private boolean backlogOnDisk;
  private SegmentLog.Pos next; // where the worker reads on disk once memory is drained
  private long recoveredBytes;

  private LaneQueue(long memoryBudget, long diskBudget, SegmentLog disk) {
    this.memoryBudget = memoryBudget;
    this.diskBudget = diskBudget;
    this.disk = disk;
    if (disk != null) {
      this.next = disk.acked();
      this.backlogOnDisk = disk.hasUnacked();
      this.recoveredBytes = backlogOnDisk ? disk.bytes() : 0;
    }
  }

  public static LaneQueue inMemory(long memoryBudget) {
    return new LaneQueue(memoryBudget, 0, null);
  }

  public static LaneQueue onDisk(Path dir, long memoryBudget, long diskBudget, long segmentBytes)
      throws IOException {
    return new LaneQueue(memoryBudget, diskBudget, SegmentLog.open(dir, segmentBytes));
  }

  public boolean durable() {
    return disk != null;
  }

  /** True while another batch may be appended (see the class comment on overshoot). */
  public boolean hasRoom() {
    lock.lock();
    try {
      return disk != null ? disk.bytes() < diskBudget : memoryBytes < memoryBudget;
    } finally {
      lock.unlock();
    }
  }

  /** Appends a chunk (ownership passes to the queue). */
  public void append(byte[] chunk, int samples) throws IOException {
    lock.lock();
    try {
      SegmentLog.Pos end = null;
      if (disk != null) {
        end = disk.append(chunk, 0, chunk.length);
      }
      queuedSamples += samples;
      if (disk == null || (!backlogOnDisk && memoryBytes + chunk.length <= memoryBudget)) {
        memory.add(new Entry(chunk, end));
        memoryBytes += chunk.length;
        memorySamples += samples;
      } else {
        backlogOnDisk = true;
      }
      if (!lingering || backlogOnDisk || memorySamples >= lingerTarget) {
        nonEmpty.signal(); // a lingering worker sleeps on until its batch is full: no wake-up per request
      }
    } finally {
      lock.unlock();
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
      Batch b = new Batch();
      while (!memory.isEmpty()) {
        Entry e = memory.peek();
        int n = count(e.chunk);
        if (!b.chunks.isEmpty() && (b.samples + n > maxSamples || b.bytes + e.chunk.length > maxBytes)) {
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
        SegmentLog.Record r = disk.read(next);
        if (r == null) {
          backlogOnDisk = false;
          break;
        }
        int n = count(r.payload());
        if (!b.chunks.isEmpty() && (b.samples + n > maxSamples || b.bytes + r.payload().length > maxBytes)) {
          break;
        }
        add(b, r.payload(), n);
        b.end = r.next();
        next = r.next();
        if (next.compareTo(disk.end()) >= 0) {
          backlogOnDisk = false;
        }
      }
      return b.chunks.isEmpty() ? null : b;
    } finally {
      lock.unlock();
    }
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
      if (disk != null && b.end != null) {
        disk.ack(b.end);
      }
    } finally {
      lock.unlock();
    }
  }

  public void sync() {
    if (disk == null) {
      return;
    }
    java.nio.channels.FileChannel[] channels;
    lock.lock();
    try {
      channels = disk.toSync();
    } finally {
      lock.unlock();
    }
    if (channels == null) {
      return;
    }
    try {
      SegmentLog.force(channels); // outside the lock: appends go on while the device catches up
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

  public long diskBytes() {
    lock.lock();
    try {
      return disk == null ? 0 : disk.bytes();
    } finally {
      lock.unlock();
    }
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

  public long tornBytes() {
    return disk == null ? 0 : disk.tornBytes();
  }

  public long corruptBytes() {
    lock.lock();
    try {
      return disk == null ? 0 : disk.corruptBytes();
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

  /** Syncs and closes the files; what is undelivered stays on disk for the next start. */
  @Override
  public void close() throws IOException {
    if (disk == null) {
      return;
    }
    lock.lock();
    try {
      disk.sync();
      disk.close();
    } finally {
      lock.unlock();
    }
  }
}
