package io.peregrine.bench.push;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.peregrine.common.model.Tags;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every request the generator will send, built before the clock starts so that building messages does not show up
 * in the measurement: batch {@code i} holds series {@code i*batch .. (i+1)*batch-1}, so one pass over the pool sends
 * every series exactly once. Series {@code s} is endpoint {@code bench-host-(s / metrics)}, metric
 * {@code bench.metric.(s % metrics)}.
 *
 * <p>Timestamps are 0, which every ingress turns into "now" (its own clock, in seconds). The pool is reused for the
 * whole run, and graph drops a point whose timestamp does not advance past its series' last one; a fixed timestamp
 * would make every pass after the first a duplicate, and stamping the current second would mean rebuilding (or
 * copying) every message each second, which is generator work. With 0, a series sent again in a later second is a
 * new point, as an agent's would be. For the same reason a unary call sends the batch's encoding made here, not the
 * message serialised again per call.
 */
final class BatchPool {
  private static final JsonFactory JSON = new JsonFactory();

  private final SampleBatch[] batches;
  private final byte[][] wire; // the batches' protobuf encoding, made once: a unary call sends these bytes as they are
  private final byte[][] bodies;
  private final int[] sizes;
  private final long bytes;

  private BatchPool(SampleBatch[] batches, byte[][] wire, byte[][] bodies, int[] sizes, long bytes) {
    this.batches = batches;
    this.wire = wire;
    this.bodies = bodies;
    this.sizes = sizes;
    this.bytes = bytes;
  }

  /** Builds protobuf batches for the gRPC modes, serialized JSON arrays for HTTP. */
  static BatchPool build(PushConfig config) {
    long series = config.series();
    int count = (int) ((series + config.batchSize() - 1) / config.batchSize());
    boolean json = config.mode() == PushMode.HTTP;
    SampleBatch[] batches = json ? null : new SampleBatch[count];
    byte[][] wire = json ? null : new byte[count][];
    byte[][] bodies = json ? new byte[count][] : null;
    int[] sizes = new int[count];
    String tags = tags(config.tags());
    String[] metrics = new String[config.metrics()];
    for (int m = 0; m < metrics.length; m++) {
      metrics[m] = "bench.metric." + m;
    }
    long bytes = 0;
    long s = 0;
    for (int i = 0; i < count; i++) {
      SampleBatch.Builder batch = SampleBatch.newBuilder();
      String endpoint = null;
      long endpointIndex = -1;
      for (int j = 0; j < config.batchSize() && s < series; j++, s++) {
        if (s / metrics.length != endpointIndex) {
          endpointIndex = s / metrics.length;
          endpoint = "bench-host-" + endpointIndex; // one string per endpoint, shared by its samples
        }
        batch.addSamples(Sample.newBuilder()
            .setEndpoint(endpoint)
            .setMetric(metrics[(int) (s % metrics.length)])
            .setTags(tags)
            .setValue(s % 1_000)
            .setTimestamp(0)
            .setStep(config.step())
            .setCounterType(config.counterType()));
      }
      SampleBatch built = batch.build();
      sizes[i] = built.getSamplesCount();
      if (json) {
        bodies[i] = toJson(built);
        bytes += bodies[i].length;
      } else {
        batches[i] = built;
        wire[i] = built.toByteArray();
        bytes += wire[i].length;
      }
    }
    return new BatchPool(batches, wire, bodies, sizes, bytes);
  }

  /** {@code t0=v0,...} in canonical (key-sorted) form, as transfer would store it. */
  static String tags(int n) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      map.put("t" + i, "v" + i);
    }
    return Tags.fromMap(map);
  }

  /** Open-Falcon's push format: a JSON array of {endpoint, metric, timestamp, step, value, counterType, tags}. */
  static byte[] toJson(SampleBatch batch) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(batch.getSamplesCount() * 160);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartArray();
      for (Sample s : batch.getSamplesList()) {
        g.writeStartObject();
        g.writeStringField("endpoint", s.getEndpoint());
        g.writeStringField("metric", s.getMetric());
        g.writeNumberField("timestamp", s.getTimestamp());
        g.writeNumberField("step", s.getStep());
        g.writeNumberField("value", s.getValue());
        g.writeStringField("counterType", s.getCounterType().name());
        g.writeStringField("tags", s.getTags());
        g.writeEndObject();
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory failed", e);
    }
    return out.toByteArray();
  }

  int size() {
    return sizes.length;
  }

  /** Samples in batch {@code i}; the last batch is short when the series do not divide evenly. */
  int samples(int i) {
    return sizes[i];
  }

  SampleBatch batch(int i) {
    return batches[i];
  }

  /** Batch {@code i} encoded (gRPC modes): the same message as {@link #batch}, serialised before the run. */
  byte[] wire(int i) {
    return wire[i];
  }

  byte[] body(int i) {
    return bodies[i];
  }

  /** Wire size of the whole pool (protobuf or JSON), for the start-up line. */
  long bytes() {
    return bytes;
  }
}
