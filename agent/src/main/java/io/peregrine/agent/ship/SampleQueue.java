package io.peregrine.agent.ship;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Sample;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded buffer between the producers (collectors, the push API) and the shipper. {@link #offer} never blocks:
 * when the queue is full (or closed for shutdown) it refuses, and the producer answers or counts the refusal
 * (the push API replies OVERLOADED for that sample, the collectors count it as dropped with reason queue_full).
 * What it takes and gives out is counted in its {@link SampleLedger} in the same step.
 *
 * <p>Samples are held as their wire encoding ({@link WireSamples}) in chunks of {@link #CHUNK_BYTES}, and chunks the
 * shipper emptied are kept (up to {@link #FREE_CHUNKS_KEPT}) for the next samples: a push's 10,000 samples are ~16
 * arrays that were allocated long ago, not ~40,000 new objects that a young collection would promote to the old
 * generation (whose full collections made the push API's latency tail). Bounded by {@code capacity} samples and
 * {@code capacity} x {@link #BYTES_PER_SAMPLE} bytes of their encoding, whichever is reached first.
 */
public final class SampleQueue {
  /** Chunk size: a 10,000-sample push of ~100-byte samples fills ~16. */
  static final int CHUNK_BYTES = 64 * 1024;
  /** Emptied chunks kept for reuse: 2 MiB, two such pushes in the queue at once. */
  static final int FREE_CHUNKS_KEPT = 32;
  /**
   * The byte bound per sample of capacity: built-in samples are 60-150 bytes, so 100,000 samples hold as before
   * (~19 MB at most for the default capacity, on the agent's 48 MB heap).
   */
  static final int BYTES_PER_SAMPLE = 192;
  /** A chunk with less room than this takes no more single samples (one within the limits is ~2.3 KB at most). */
  private static final int ROOM_FOR_ONE = 4096;

  private final int capacity;
  private final long maxBytes;
  private final SampleLedger ledger;
  /** The UTF-8 of texts {@link #offer(Sample)} and its field form encoded before (guarded by lock). */
  private final WireSamples.TextCache texts = new WireSamples.TextCache();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  // guarded by lock
  private final ArrayDeque<WireSamples> chunks = new ArrayDeque<>();
  private final ArrayDeque<WireSamples> free = new ArrayDeque<>();
  /** Next record to give out in the head chunk. */
  private int headRead;
  private long bytes;
  private volatile int size;
  private volatile boolean closed;

  public SampleQueue(int capacity, MeterRegistry registry) {
    this.capacity = capacity;
    this.maxBytes = (long) capacity * BYTES_PER_SAMPLE;
    this.ledger = new SampleLedger(registry);
    Gauge.builder("agent_queue_capacity_samples", () -> capacity)
        .description("the most samples the queue holds").register(registry);
  }

  /** False when the queue is full or closed; never blocks. */
  public boolean offer(Sample sample) {
    return offer(sample.getEndpoint(), sample.getMetric(), sample.getTags(), sample.getValue(),
        sample.getCounterTypeValue(), sample.getTimestamp(), sample.getStep());
  }

  /**
   * A sample given as its fields (a collector's), encoded straight into the queue's chunk: no {@code Sample} object
   * is made. False when the queue is full or closed; never blocks.
   */
  public boolean offer(String endpoint, String metric, String tags, double value, CounterType type, long timestamp,
      int step) {
    return offer(endpoint, metric, tags, value, type.getNumber(), timestamp, step);
  }

  private boolean offer(String endpoint, String metric, String tags, double value, int type, long timestamp,
      int step) {
    if (closed) {
      return false;
    }
    lock.lock();
    try {
      if (size >= capacity) {
        return false;
      }
      WireSamples tail = chunks.peekLast();
      if (tail == null || tail.byteLength() > CHUNK_BYTES - ROOM_FOR_ONE) {
        tail = takeFree();
        chunks.addLast(tail);
      }
      int before = tail.byteLength();
      tail.append(endpoint, metric, tags, value, type, timestamp, step, texts);
      int encoded = tail.byteLength() - before;
      if (bytes + encoded > maxBytes) {
        tail.truncate(tail.size() - 1);
        return false;
      }
      added(1, encoded);
    } finally {
      lock.unlock();
    }
    return true;
  }

  /**
   * Offers samples in order and stops at the first the queue refuses (full or closed): one lock and one count for a
   * whole push instead of one per sample. Never blocks.
   *
   * @return how many were taken: the first n; the rest were not
   */
  public int offerAll(List<Sample> samples) {
    WireSamples w = WireSamples.of(samples);
    return offerAll(w);
  }

  /**
   * Offers encoded samples in order, as {@link #offerAll(List)}; their bytes are copied into the queue's chunks, so
   * the caller may reuse {@code samples} at once.
   *
   * @return how many were taken: records {@code [0, n)}; the rest were not
   */
  public int offerAll(WireSamples samples) {
    if (closed || samples.isEmpty()) {
      return 0;
    }
    lock.lock();
    try {
      int n = 0;
      int total = samples.size();
      long room = maxBytes - bytes;
      int fit = Math.min(total, capacity - size);
      while (n < fit) {
        WireSamples tail = chunks.peekLast();
        if (tail == null || tail.byteLength() >= CHUNK_BYTES) {
          tail = takeFree();
          chunks.addLast(tail);
        }
        // as many whole records as fit in this chunk (at least one) and in the byte bound
        int space = Math.max(CHUNK_BYTES - tail.byteLength(), 0);
        int to = n;
        long used = 0;
        while (to < fit) {
          int len = samples.byteLength(to, to + 1);
          if (used + len > room || (used + len > space && !(to == n && tail.isEmpty()))) {
            break;
          }
          used += len;
          to++;
        }
        if (to == n) {
          if (used + samples.byteLength(n, n + 1) > room) {
            break; // the byte bound: the rest is refused
          }
          chunks.addLast(takeFree()); // this chunk is full: the next record starts a new one
          continue;
        }
        tail.appendRange(samples, n, to);
        room -= used;
        added(to - n, used);
        n = to;
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** Where every sample this queue took is now. */
  public SampleLedger ledger() {
    return ledger;
  }

  /** Refuses new samples from now on; what is queued stays for the shipper's final flush. */
  void closeIntake() {
    closed = true;
  }

  /**
   * Waits until something is queued, at most {@code timeoutNanos}.
   *
   * @return true when the queue holds samples
   */
  boolean await(long timeoutNanos) throws InterruptedException {
    long left = timeoutNanos;
    lock.lock();
    try {
      while (size == 0 && left > 0) {
        left = notEmpty.awaitNanos(left);
      }
      return size > 0;
    } finally {
      lock.unlock();
    }
  }

  /** Takes up to {@code max} samples, oldest first, into the caller's hand (counted so in the ledger). */
  int drainTo(WireSamples into, int max) {
    lock.lock();
    try {
      int n = 0;
      while (n < max && size > 0) {
        WireSamples head = chunks.peekFirst();
        int to = Math.min(head.size(), headRead + (max - n));
        int k = to - headRead;
        bytes -= head.byteLength(headRead, to);
        into.appendRange(head, headRead, to);
        n += k;
        size -= k;
        headRead = to;
        if (headRead == head.size()) {
          chunks.removeFirst();
          headRead = 0;
          giveBack(head);
        }
      }
      if (n > 0) {
        ledger.taken(n);
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** Takes up to {@code max} samples as messages (tests and tools). */
  public int drainTo(Collection<Sample> into, int max) {
    WireSamples w = new WireSamples();
    int n = drainTo(w, max);
    into.addAll(w.toSamples());
    return n;
  }

  public int size() {
    return size;
  }

  public int capacity() {
    return capacity;
  }

  public boolean full() {
    return size >= capacity || bytes >= maxBytes;
  }

  /** Emptied chunks kept for reuse (tests). */
  int freeChunks() {
    lock.lock();
    try {
      return free.size();
    } finally {
      lock.unlock();
    }
  }

  // lock held
  private void added(int n, long encodedBytes) {
    boolean wasEmpty = size == 0;
    size += n;
    bytes += encodedBytes;
    ledger.offered(n);
    if (wasEmpty) {
      notEmpty.signal();
    }
  }

  private WireSamples takeFree() {
    WireSamples c = free.pollFirst();
    return c != null ? c : new WireSamples(CHUNK_BYTES, 1024);
  }

  private void giveBack(WireSamples chunk) {
    chunk.clear();
    if (free.size() < FREE_CHUNKS_KEPT && chunk.array().length <= CHUNK_BYTES * 2) {
      free.addFirst(chunk); // the most recently used first: its pages are the likeliest resident
    }
  }
}
