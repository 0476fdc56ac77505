package io.peregrine.agent.ship;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskSpoolTest {
  @TempDir Path dir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private static WireSamples batch(int n, String tag) {
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(TestSamples.gauge("host1", "m", "b=" + tag + ",i=" + i, i, 1_700_000_000L));
    }
    return WireSamples.of(out);
  }

  @Test
  void overTheLimitDeletesTheOldestBatchesAndCountsTheirSamples() throws Exception {
    long oneBatch = SampleBatch.newBuilder().addAllSamples(batch(100, "a").toSamples()).build().getSerializedSize();
    DiskSpool spool = new DiskSpool(dir, oneBatch * 2 + oneBatch / 2, registry);
    spool.open();
    spool.write(batch(100, "a"));
    spool.write(batch(100, "b"));
    spool.write(batch(100, "c"));
    assertThat(spool.files()).isEqualTo(2);
    assertThat(spool.samples()).isEqualTo(200);
    assertThat(spool.bytes()).isLessThanOrEqualTo(oneBatch * 2 + oneBatch / 2);
    assertThat(registry.get("agent_dropped_samples").tag("reason", "spool_full").counter().count())
        .isEqualTo(100);
    WireSamples oldest = spool.read(spool.oldest());
    assertThat(oldest.sample(0).getTags()).startsWith("b=b");
  }

  @Test
  void aReopenedSpoolKeepsOrderAndContinuesTheSequence() throws Exception {
    DiskSpool first = new DiskSpool(dir, 1 << 20, registry);
    first.open();
    first.write(batch(3, "a"));
    first.write(batch(4, "b"));
    Files.writeString(dir.resolve("0000000000000000009-5.batch.tmp"), "half written");

    DiskSpool second = new DiskSpool(dir, 1 << 20, new SimpleMeterRegistry());
    second.open();
    assertThat(second.files()).isEqualTo(2);
    assertThat(second.samples()).isEqualTo(7);
    assertThat(Files.exists(dir.resolve("0000000000000000009-5.batch.tmp"))).isFalse();
    second.write(batch(5, "c"));
    List<String> order = new ArrayList<>();
    while (!second.isEmpty()) {
      DiskSpool.Entry e = second.oldest();
      order.add(second.read(e).sample(0).getTags().substring(0, 3));
      second.remove(e);
    }
    assertThat(order).containsExactly("b=a", "b=b", "b=c");
    assertThat(second.bytes()).isZero();
  }

  @Test
  void anUnreadableFileIsDeletedAndCounted() throws Exception {
    DiskSpool spool = new DiskSpool(dir, 1 << 20, registry);
    spool.open();
    spool.write(batch(3, "a"));
    DiskSpool.Entry e = spool.oldest();
    Files.write(e.path(), new byte[] {(byte) 0xff, (byte) 0xff, 0x01});
    assertThat(spool.read(e)).isNull();
    assertThat(spool.isEmpty()).isTrue();
    assertThat(registry.get("agent_dropped_samples").tag("reason", "spool_corrupt").counter().count())
        .isEqualTo(3);
  }
}
