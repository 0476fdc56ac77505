package io.peregrine.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;

import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Sample;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleEmitterTest {
  private final List<Sample> out = new ArrayList<>();
  private final SampleEmitter emitter = new SampleEmitter("host1", 1_700_000_000L, 60, out::add);

  @Test
  void repeatedTagTextIsCanonicalForEverySample() {
    String tags = "pod=web,container=app";
    emitter.gauge("container.mem.rss", tags, 1);
    emitter.counter("container.cpu.usage", tags, 2);
    emitter.gauge("container.mem.rss", "device=sda", 3);
    emitter.gauge("container.mem.rss", tags, 4);

    assertThat(out).extracting(Sample::getTags)
        .containsExactly("container=app,pod=web", "container=app,pod=web", "device=sda", "container=app,pod=web");
    assertThat(out.get(1).getCounterType()).isEqualTo(CounterType.COUNTER);
    assertThat(emitter.emitted()).isEqualTo(4);
  }

  @Test
  void refusedTagTextIsCountedOncePerSampleEvenWhenRepeated() {
    String bad = "mount=/a,b";
    emitter.gauge("df.bytes.free", bad, 1);
    emitter.gauge("df.bytes.used", bad, 2);
    emitter.gauge("df.bytes.total", "mount=/", 3);
    emitter.gauge("df.bytes.used", "mount=/", Double.NaN);

    assertThat(out).extracting(Sample::getTags).containsExactly("mount=/");
    assertThat(emitter.invalid()).isEqualTo(3);
    assertThat(emitter.emitted()).isEqualTo(1);
  }

  @Test
  void emptyAndEqualButDistinctTagStringsGiveTheSameCanonicalText() {
    emitter.gauge("load.1min", "", 1);
    emitter.gauge("load.5min", new String(""), 1);
    emitter.gauge("net.if.in.bytes", new String("iface=eth0"), 1);
    emitter.gauge("net.if.out.bytes", new String("iface=eth0"), 1);

    assertThat(out).extracting(Sample::getTags).containsExactly("", "", "iface=eth0", "iface=eth0");
  }
}
