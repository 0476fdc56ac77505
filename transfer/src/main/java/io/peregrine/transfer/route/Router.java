package io.peregrine.transfer.route;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.transfer.queue.IngestLog;
import io.peregrine.transfer.queue.LaneQueue;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Places the samples of one request on every destination: for each destination the lane that owns the series,
 * appending the sample's bytes (framed as a {@code SampleBatch} field) to a per-request buffer for that lane. Commit
 * then checks that every lane involved has room and only then appends one chunk per lane: the request is taken by
 * every destination or by none, so a client's retry never duplicates samples at a destination that had them. With
 * disk queues those chunks are written as one record of the shared {@link IngestLog}: one {@code write(2)} per
 * request for all destinations, not one per lane.
 */
public final class Router {
  private final Destination[] destinations;
  private final IngestLog log; // the disk queues' shared log, or null when the queues are in memory only
  private final int laneTotal;
  private final Counter[] refused;
  private final ThreadLocal<Routing> local;

  public Router(List<Destination> destinations, MeterRegistry registry) {
    this.destinations = destinations.toArray(Destination[]::new);
    this.refused = new Counter[this.destinations.length];
    for (int i = 0; i < refused.length; i++) {
      refused[i] = Counter.builder("transfer_refused_samples").tag("cluster", this.destinations[i].name())
          .description("valid samples refused at ingest because this destination's queues were full")
          .register(registry);
    }
    IngestLog found = null;
    int lanes = 0;
    for (Destination d : this.destinations) {
      lanes += d.laneCount();
      if (d.laneCount() > 0 && d.lane(0).queue().ingestLog() != null) {
        found = d.lane(0).queue().ingestLog();
      }
    }
    this.log = found;
    this.laneTotal = lanes;
    this.local = ThreadLocal.withInitial(Routing::new);
  }

  public List<Destination> destinations() {
    return List.of(destinations);
  }

  /** This thread's routing buffers, emptied. */
  public Routing begin() {
    Routing r = local.get();
    r.reset();
    return r;
  }

  /**
   * New routing buffers for a caller that keeps one per thread itself (with its other per-thread state, so a request
   * costs one thread-local lookup, not one per object); empty them with {@link Routing#begin()} before each request.
   */
  public Routing newRouting() {
    return new Routing();
  }

  /** The lanes one request touches, with the bytes it puts on each. One per thread, reused. */
  public final class Routing {
    private final Chunk[][] chunks;
    private final LaneQueue[] touched = new LaneQueue[laneTotal];
    private final byte[][] parts = new byte[laneTotal][];
    private final int[] partSamples = new int[laneTotal];
    private final IngestLog.Scratch scratch = new IngestLog.Scratch();
    private int samples;

    Routing() {
      chunks = new Chunk[destinations.length][];
      for (int d = 0; d < destinations.length; d++) {
        chunks[d] = new Chunk[destinations[d].laneCount()];
        for (int l = 0; l < chunks[d].length; l++) {
          chunks[d][l] = new Chunk();
        }
      }
    }

    /** Empties the buffers for the next request; returns this. */
    public Routing begin() {
      reset();
      return this;
    }

    void reset() {
      samples = 0;
      for (Chunk[] cs : chunks) {
        for (Chunk c : cs) {
          c.reset();
        }
      }
    }

    /** Adds one valid sample (its Sample message bytes) to every destination. */
    public void add(long seriesHash, byte[] bytes, int offset, int length) {
      samples++;
      for (int d = 0; d < chunks.length; d++) {
        chunks[d][destinations[d].laneFor(seriesHash)].add(bytes, offset, length);
      }
    }

    public int samples() {
      return samples;
    }

    /**
     * Appends the request to every lane it touches, or to none.
     *
     * @return null when taken; otherwise the name of the destination whose queue is full
     * @throws IOException when a disk queue failed to write (the request may then be partly queued)
     */
    public String commit() throws IOException {
      if (samples == 0) {
        return null;
      }
      for (int d = 0; d < chunks.length; d++) {
        for (int l = 0; l < chunks[d].length; l++) {
          if (chunks[d][l].count == 0) {
            continue;
          }
          if (!destinations[d].lane(l).queue().hasRoom()) {
            refused[d].increment(samples);
            return destinations[d].name();
          }
          if (log != null) {
            break; // on disk the budget is the destination's (one group): one check is enough
          }
        }
      }
      if (log != null) {
        int n = 0;
        for (int d = 0; d < chunks.length; d++) {
          for (int l = 0; l < chunks[d].length; l++) {
            Chunk c = chunks[d][l];
            if (c.count > 0) {
              touched[n] = destinations[d].lane(l).queue();
              parts[n] = c.toChunk();
              partSamples[n++] = c.count;
            }
          }
        }
        try {
          log.append(scratch, touched, parts, partSamples, n); // one record, one write(2), for every destination
        } finally {
          java.util.Arrays.fill(touched, 0, n, null);
          java.util.Arrays.fill(parts, 0, n, null);
        }
        return null;
      }
      for (int d = 0; d < chunks.length; d++) {
        for (int l = 0; l < chunks[d].length; l++) {
          Chunk c = chunks[d][l];
          if (c.count > 0) {
            LaneQueue q = destinations[d].lane(l).queue();
            q.append(c.toChunk(), c.count);
          }
        }
      }
      return null;
    }
  }

  /** A growing buffer: 4 bytes of sample count, then framed samples. */
  private static final class Chunk {
    private static final int SHRINK_ABOVE = 4 << 20;
    private byte[] buf = new byte[4096];
    private int size = 4;
    private int count;

    void reset() {
      if (buf.length > SHRINK_ABOVE) {
        buf = new byte[4096]; // one huge request must not pin its buffer on every thread
      }
      size = 4;
      count = 0;
    }

    void add(byte[] b, int off, int len) {
      int need = size + 6 + len;
      if (need > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
      }
      buf[size++] = 0x0A; // SampleBatch.samples, field 1, length-delimited
      int v = len;
      while ((v & ~0x7F) != 0) {
        buf[size++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[size++] = (byte) v;
      System.arraycopy(b, off, buf, size, len);
      size += len;
      count++;
    }

    byte[] toChunk() {
      byte[] out = Arrays.copyOf(buf, size);
      out[0] = (byte) (count >>> 24);
      out[1] = (byte) (count >>> 16);
      out[2] = (byte) (count >>> 8);
      out[3] = (byte) count;
      return out;
    }
  }
}
