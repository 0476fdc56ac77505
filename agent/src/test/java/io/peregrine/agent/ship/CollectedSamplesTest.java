package io.peregrine.agent.ship;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.agent.collect.SampleEmitter;
import io.peregrine.agent.collect.SampleSink;
import io.peregrine.agent.expose.HostMetricsPage;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Sample;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A collector's samples as fields, through the emitter into the queue's encoding and the host page, as wired. */
class CollectedSamplesTest {
  private static final int CONTAINERS = 200;
  private static final String[] METRICS = {"container.cpu.usage", "container.mem.working_set", "container.pids"};

  private final SampleQueue queue = new SampleQueue(100_000, new SimpleMeterRegistry());
  private final HostMetricsPage page = new HostMetricsPage();
  private final SampleSink sink = (endpoint, metric, tags, value, type, timestamp, step) -> {
    page.record(endpoint, metric, tags, value, type, step);
    return queue.offer(endpoint, metric, tags, value, type, timestamp, step);
  };
  /** Tag texts made once, as collectors keep them; one is not ASCII. */
  private final List<String> tags = new ArrayList<>();

  CollectedSamplesTest() {
    for (int i = 0; i < CONTAINERS; i++) {
      tags.add("container=c" + i + ",namespace=ns" + (i == 7 ? "-é" : "") + ",pod=p" + i);
    }
  }

  private SampleEmitter round(long timestamp) {
    return round(timestamp, sink, true);
  }

  private SampleEmitter round(long timestamp, SampleSink to, boolean withInvalid) {
    SampleEmitter out = new SampleEmitter("node-1", timestamp, 10, to);
    for (String t : tags) {
      for (int m = 0; m < METRICS.length; m++) {
        if (m == 2) {
          out.counter(METRICS[m], t, timestamp);
        } else {
          out.gauge(METRICS[m], t, m + 0.5);
        }
      }
    }
    if (withInvalid) {
      out.gauge("container.cpu.usage", "bad=a,b", 1); // refused tag text: skipped, counted
      out.gauge("container.cpu.usage", tags.get(0), Double.NaN);
    }
    return out;
  }

  @Test
  void fieldsArriveAsTheSamplesAProtobufBuilderWouldMake() throws Exception {
    SampleEmitter out = round(1_700_000_000L);
    assertThat(out.emitted()).isEqualTo(CONTAINERS * METRICS.length);
    assertThat(out.invalid()).isEqualTo(2);
    List<Sample> queued = new ArrayList<>();
    queue.drainTo(queued, Integer.MAX_VALUE);
    assertThat(queued).hasSize(CONTAINERS * METRICS.length);
    assertThat(queued.get(7 * 3 + 2)).isEqualTo(Sample.newBuilder().setEndpoint("node-1")
        .setMetric("container.pids").setTags("container=c7,namespace=ns-é,pod=p7").setValue(1_700_000_000L)
        .setTimestamp(1_700_000_000L).setStep(10).setCounterType(CounterType.COUNTER).build());
    assertThat(queue.ledger().snapshot().in()).isEqualTo(CONTAINERS * METRICS.length);
    assertThat(page.series()).isEqualTo(CONTAINERS * METRICS.length);
    assertThat(new String(page.render(), StandardCharsets.UTF_8))
        .contains("container_pids_total{container=\"c7\",endpoint=\"node-1\",namespace=\"ns-é\",pod=\"p7\"} 1.7E9");
  }

  @Test
  void theQueueAndThePageAllocateNothingPerSampleInASteadyRound() {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    SampleSink discard = (endpoint, metric, tags, value, type, timestamp, step) -> true;
    WireSamples shipped = new WireSamples();
    long emitterOnly = 0;
    long wired = 0;
    for (int r = 0; r < 4; r++) { // chunks, the page's slots and the drain buffer exist after the first round
      long before = threads.getCurrentThreadAllocatedBytes();
      round(1_700_000_000L + r * 10, discard, false);
      emitterOnly = threads.getCurrentThreadAllocatedBytes() - before;
      before = threads.getCurrentThreadAllocatedBytes();
      round(1_700_000_000L + r * 10, sink, false);
      wired = threads.getCurrentThreadAllocatedBytes() - before;
      shipped.clear();
      assertThat(queue.drainTo(shipped, Integer.MAX_VALUE)).isEqualTo(CONTAINERS * METRICS.length);
    }
    // a Sample each was ~100 bytes; what the emitter itself allocates (checking each new tag text) is the same
    // with either sink
    assertThat(wired - emitterOnly).isLessThan(CONTAINERS * METRICS.length * 8L);
  }
}
