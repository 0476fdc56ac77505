package io.peregrine.graph.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.graph.GraphConfig;
import io.peregrine.graph.store.Drops;
import io.peregrine.graph.store.GraphStore;
import io.peregrine.graph.store.StoreHooks;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.SampleBatch;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PushOverloadTest {
  static final long T = 1_699_999_200L;

  @TempDir Path dir;

  @Test
  void whenTheQueueIsFullTheRestOfTheBatchIsRefusedAsOverloaded() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Drops drops = new Drops(registry);
    GraphStore store = new GraphStore(GraphConfig.defaults().withDataDir(dir.toString()).withWriteQueueCapacity(3),
        registry, drops);
    StoreHooks.openWithoutWriter(store);
    try {
      GraphServiceImpl service = new GraphServiceImpl(store, Clock.fixed(Instant.ofEpochSecond(T), ZoneOffset.UTC),
          drops, new QueryMetrics(registry), registry);
      SampleBatch.Builder batch = SampleBatch.newBuilder();
      for (int i = 0; i < 5; i++) {
        batch.addSamples(TestSamples.gauge("h", "m" + i, "", i, T));
      }
      Recorder out = new Recorder();

      service.push(batch.build(), out);

      PushResponse r = out.values.get(0);
      assertThat(r.getAccepted()).isEqualTo(3);
      assertThat(r.getRejected()).isEqualTo(2);
      assertThat(r.getRejectsList()).extracting(x -> x.getIndex() + ":" + x.getCode())
          .containsExactly("3:OVERLOADED", "4:OVERLOADED");
      assertThat(r.getRejects(0).getReason()).contains("queue is full");
      assertThat(drops.total("overloaded")).isEqualTo(2);
      assertThat(out.completed).isTrue();
    } finally {
      store.close();
    }
  }

  static final class Recorder implements StreamObserver<PushResponse> {
    final List<PushResponse> values = new ArrayList<>();
    boolean completed;

    @Override
    public void onNext(PushResponse value) {
      values.add(value);
    }

    @Override
    public void onError(Throwable t) {
      throw new AssertionError(t);
    }

    @Override
    public void onCompleted() {
      completed = true;
    }
  }
}
