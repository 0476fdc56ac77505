package io.peregrine.bench.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.peregrine.common.json.OpenFalconJson;
import io.peregrine.common.json.ParsedBatch;
import io.peregrine.common.model.SampleValidator;
import io.peregrine.common.model.SeriesKey;
import io.peregrine.common.model.Tags;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchPoolTest {
  private static PushConfig config(PushMode mode, int tags, CounterType type) {
    return new PushConfig(mode, null, 7, 3, tags, 4, 1, 1, Duration.ofSeconds(1), Duration.ZERO, 0, type, 30,
        Duration.ofSeconds(1), null);
  }

  @Test
  void unaryCallsSendEachBatchesOwnEncoding() throws Exception {
    BatchPool pool = BatchPool.build(config(PushMode.GRPC_UNARY, 2, CounterType.GAUGE));

    for (int i = 0; i < pool.size(); i++) {
      assertThat(SampleBatch.parseFrom(pool.wire(i))).isEqualTo(pool.batch(i));
    }
  }

  @Test
  void onePassSendsEverySeriesExactlyOnce() {
    BatchPool pool = BatchPool.build(config(PushMode.GRPC_UNARY, 0, CounterType.GAUGE));

    assertThat(pool.size()).isEqualTo(6); // 21 series in batches of 4
    assertThat(pool.samples(5)).isEqualTo(1);
    Set<String> keys = new HashSet<>();
    int total = 0;
    for (int i = 0; i < pool.size(); i++) {
      assertThat(pool.batch(i).getSamplesCount()).isEqualTo(pool.samples(i));
      for (Sample s : pool.batch(i).getSamplesList()) {
        keys.add(SeriesKey.of(s.getEndpoint(), s.getMetric(), s.getTags()));
        total++;
      }
    }
    assertThat(total).isEqualTo(21);
    assertThat(keys).hasSize(21).contains("bench-host-0/bench.metric.0/", "bench-host-6/bench.metric.2/");
  }

  @Test
  void samplesCarryTheConfiguredShapeAndTimestampZero() {
    BatchPool pool = BatchPool.build(config(PushMode.GRPC_STREAM, 12, CounterType.COUNTER));

    Sample s = pool.batch(0).getSamples(0);
    assertThat(s.getTimestamp()).isZero();
    assertThat(s.getStep()).isEqualTo(30);
    assertThat(s.getCounterType()).isEqualTo(CounterType.COUNTER);
    assertThat(Tags.parse(s.getTags())).hasSize(12).containsEntry("t11", "v11");
    assertThat(Tags.canonical(s.getTags())).isSameAs(s.getTags());
  }

  @Test
  void httpBodiesAreOpenFalconJsonOfTheSameSamples() throws Exception {
    PushConfig json = config(PushMode.HTTP, 3, CounterType.DERIVE);
    BatchPool http = BatchPool.build(json);
    BatchPool grpc = BatchPool.build(config(PushMode.GRPC_UNARY, 3, CounterType.DERIVE));
    OpenFalconJson parser = new OpenFalconJson(new SampleValidator(java.time.Clock.systemUTC()));

    List<Sample> parsed = new ArrayList<>();
    List<Sample> expected = new ArrayList<>();
    for (int i = 0; i < http.size(); i++) {
      ParsedBatch batch = parser.parse(new ByteArrayInputStream(http.body(i)));
      assertThat(batch.rejects()).isEmpty();
      assertThat(batch.total()).isEqualTo(http.samples(i));
      // the receiver stamps timestamp 0 with its clock; compare the rest
      batch.samples().forEach(s -> parsed.add(s.toBuilder().setTimestamp(0).build()));
      expected.addAll(grpc.batch(i).getSamplesList());
    }
    assertThat(parsed).isEqualTo(expected);
  }
}
