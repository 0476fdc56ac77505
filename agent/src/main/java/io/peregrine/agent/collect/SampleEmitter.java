package io.peregrine.agent.collect;

import io.peregrine.common.model.Tags;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Sample;
import java.util.function.Consumer;

/**
 * Turns a collector's (metric, tags, value) into samples with this round's endpoint, timestamp and step. Tag text is
 * made canonical here; a tag value the shared rules refuse (a mount point with ',' in it) or a value that is not a
 * finite number skips that one sample and is counted as invalid, so a collector never produces what transfer would
 * reject. Samples go to a {@link SampleSink} as fields, not as {@code Sample} objects; one the sink refuses
 * (queue full) is counted in {@link #refused()}.
 */
public final class SampleEmitter {
  private final String endpoint;
  private final long timestamp;
  private final int step;
  private final SampleSink sink;
  private int emitted;
  private int invalid;
  private int refused;
  // Collectors hand the same String for all samples of one device or cgroup (~26 per container), so the
  // canonical form of the previous tag text is kept: canonicalising each sample again was ~30% of the container
  // collector's CPU.
  private boolean cached;
  private String lastTags;
  private String lastCanonical;

  /** Hands every sample to {@code sink} as a message (tests, tools). */
  public SampleEmitter(String endpoint, long timestamp, int step, Consumer<Sample> sink) {
    this(endpoint, timestamp, step, SampleSink.ofSamples(s -> {
      sink.accept(s);
      return true;
    }));
  }

  public SampleEmitter(String endpoint, long timestamp, int step, SampleSink sink) {
    this.endpoint = endpoint;
    this.timestamp = timestamp;
    this.step = step;
    this.sink = sink;
  }

  public void gauge(String metric, String tags, double value) {
    emit(metric, tags, value, CounterType.GAUGE);
  }

  /** A monotonic total (bytes, requests); graph and judge turn it into a per-second rate. */
  public void counter(String metric, String tags, double value) {
    emit(metric, tags, value, CounterType.COUNTER);
  }

  private void emit(String metric, String tags, double value, CounterType type) {
    if (!Double.isFinite(value)) {
      invalid++;
      return;
    }
    String canonical = canonical(tags);
    if (canonical == null) {
      invalid++;
      return;
    }
    if (!sink.accept(endpoint, metric, canonical, value, type, timestamp, step)) {
      refused++;
    }
    emitted++;
  }

  /** The canonical text of {@code tags}, or null when the shared rules refuse it. */
  private String canonical(String tags) {
    if (!cached || tags != lastTags) {
      lastTags = tags;
      try {
        lastCanonical = Tags.canonical(tags);
      } catch (Tags.InvalidTagsException e) {
        lastCanonical = null;
      }
      cached = true;
    }
    return lastCanonical;
  }

  public int emitted() {
    return emitted;
  }

  public int invalid() {
    return invalid;
  }

  /** Samples the sink refused (counted in {@link #emitted()} too, as they were produced). */
  public int refused() {
    return refused;
  }

  /** Seconds of the round: collectors computing rates between rounds may use it as a coarse clock. */
  public long timestamp() {
    return timestamp;
  }
}
