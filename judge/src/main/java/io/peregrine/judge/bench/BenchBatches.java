package io.peregrine.judge.bench;

import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.HostStrategies;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.Strategy;
import io.peregrine.proto.v1.StrategySet;
import java.util.ArrayList;
import java.util.List;

/** The bench's strategy set and its pre-encoded batches (the wire bytes transfer would send). */
final class BenchBatches {
  private BenchBatches() {}

  static StrategySet strategySet(JudgeBench.Options o) {
    List<Strategy> template = new ArrayList<>();
    for (int j = 0; j < o.strategiesPerHost(); j++) {
      template.add(Strategy.newBuilder().setId(j + 1).setMetric("bench.m" + j).setFunc("all(#3)")
          .setOperator(">").setRightValue(50).setMaxStep(3).setPriority(3).setTemplateId(1).setActionId(1)
          .build());
    }
    StrategySet.Builder set = StrategySet.newBuilder().setVersion(1);
    for (int h = 0; h < o.hosts(); h++) {
      set.addHosts(HostStrategies.newBuilder().setHostname(host(h)).addAllStrategies(template));
    }
    return set.build();
  }

  static String host(int h) {
    return "bench-host-" + h;
  }

  /**
   * Per thread, its encoded batches in order: thread t owns hosts t, t + threads, ...; one round of all its series
   * is cut into batches, rounds follow each other, so a thread's series always arrive in time order.
   */
  static List<List<byte[]>> encode(JudgeBench.Options o) {
    long t0 = System.currentTimeMillis() / 1000 - (long) o.rounds() * 60;
    List<List<byte[]>> out = new ArrayList<>();
    for (int t = 0; t < o.threads(); t++) {
      List<String[]> series = new ArrayList<>();
      for (int h = t; h < o.hosts(); h += o.threads()) {
        for (int i = 0; i < o.seriesPerHost(); i++) {
          series.add(new String[] {host(h), "bench.m" + (i % o.strategiesPerHost()), "i=" + i});
        }
      }
      int perRound = (series.size() + o.batchSize() - 1) / o.batchSize();
      List<byte[]> mine = new ArrayList<>(perRound * o.rounds());
      for (int r = 0; r < o.rounds(); r++) {
        SampleBatch.Builder b = SampleBatch.newBuilder();
        for (int k = 0; k < series.size(); k++) {
          String[] s = series.get(k);
          double value = (r + k) % o.firePeriod() < 3 ? 100 : 1;
          b.addSamples(Sample.newBuilder().setEndpoint(s[0]).setMetric(s[1]).setTags(s[2]).setValue(value)
              .setTimestamp(t0 + r * 60L).setStep(60).setCounterType(CounterType.GAUGE));
          if (b.getSamplesCount() == o.batchSize()) {
            mine.add(b.build().toByteArray());
            b = SampleBatch.newBuilder();
          }
        }
        if (b.getSamplesCount() > 0) {
          mine.add(b.build().toByteArray());
        }
      }
      out.add(mine);
    }
    return out;
  }
}
