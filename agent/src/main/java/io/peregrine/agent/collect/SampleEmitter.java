package io.peregrine.agent.collect;

import io.peregrine.common.model.Tags;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Sample;
import java.util.function.Consumer;

/**
 * Turns a collector's (metric, tags, value) into samples with this round's endpoint, timestamp and step. Tag text is
 * made canonical here; a tag value the shared rules refuse (a mount point with ',' in it) or a value that is not a
 * finite number skips that one sample and is counted as invalid, so a collector never produces what transfer would
 * reject.
 */
public final class SampleEmitter {
  private final String endpoint;
  private final long timestamp;
  private final int step;
  private final Consumer<Sample> sink;
  private int emitted;
  private int invalid;
  // Collectors hand the same String for all samples of one device or cgroup (~26 per container), so the
  // canonical form of the previous tag text is kept: canonicalising each sample again was ~30% of the container
  // collector's CPU.
  private boolean cached;
  private String lastTags;
  private String lastCanonical;

  public SampleEmitter(String endpoint, long timestamp, int step, Consumer<Sample> sink) {
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
    sink.accept(Sample.newBuilder().setEndpoint(endpoint).setMetric(metric).setTags(canonical).setValue(value)
        .setTimestamp(timestamp).setStep(step).setCounterType(type).build());
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

  /** Seconds of the round: collectors computing rates between rounds may use it as a coarse clock. */
  public long timestamp() {
    return timestamp;
  }
}
