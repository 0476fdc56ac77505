package io.peregrine.judge.api;

import static io.peregrine.judge.testing.Strategies.strategy;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.time.ManualClock;
import io.peregrine.judge.eval.Evaluator;
import io.peregrine.judge.eval.HistoryStore;
import io.peregrine.judge.strategy.StrategyIndex;
import io.peregrine.judge.testing.Strategies;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.StrategySet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The batch reader judges a window of samples at a time (read and prove all, prefetch their series, then judge in
 * order): on random batches of every size, with a series repeated inside one window, duplicates, counters with
 * resets, invalid samples between valid ones and unwatched series, it raises exactly the events, counts and
 * rejects that judging the same samples one at a time does.
 */
class WindowedBatchTest {
  private static final long T0 = 1_800_000_000L;
  private static final String[][] SERIES = {
      {"host1", "m.all", ""}, {"host1", "m.all", "i=1"}, {"host1", "m.max", "i=2"}, {"host1", "m.diff", ""},
      {"host1", "m.rate", ""}, {"host1", "m.none", ""}, {"host2", "m.all", ""}};

  private final ManualClock clock = new ManualClock(T0 + 100_000);

  private StrategySet strategies() {
    return Strategies.set(1, "host1", strategy(1, "m.all", "all(#2)", ">", 50),
        strategy(2, "m.max", "max(#3)", ">=", 80), strategy(3, "m.diff", "diff(#2)", ">", 30),
        strategy(4, "m.rate", "avg(#2)", ">", 2), strategy(5, "m.all", "lookup(#2,3)", "<", 20));
  }

  private record Judged(List<AlertEvent> events, List<PushResponse> answers, double judged, double notNewer,
      double unwatched) {}

  @Test
  void windowedBatchesJudgeExactlyAsOneSampleAtATime() throws Exception {
    for (long seed = 1; seed <= 20; seed++) {
      List<Sample> samples = randomSamples(new Random(seed), 400);
      Judged windowed = judgeInBatches(samples, new Random(seed * 31));
      Judged single = judgeOneByOne(samples);
      assertThat(describe(windowed.events())).as("seed %d", seed).containsExactlyElementsOf(describe(single.events()));
      assertThat(windowed.judged()).as("seed %d judged", seed).isEqualTo(single.judged());
      assertThat(windowed.notNewer()).as("seed %d not newer", seed).isEqualTo(single.notNewer());
      assertThat(windowed.unwatched()).as("seed %d unwatched", seed).isEqualTo(single.unwatched());
      assertThat(windowed.events()).as("seed %d raises something", seed).isNotEmpty();
    }
  }

  @Test
  void rejectsKeepTheirBatchIndexAcrossWindows() throws Exception {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Sample.Builder s = sample(SERIES[i % SERIES.length], 60, T0 + i);
      samples.add((i % 33 == 5 ? s.setEndpoint("") : s).build()); // rejected at 5, 38 and 71
    }
    Judged j = judge(List.of(samples));
    PushResponse r = j.answers().get(0);
    assertThat(r.getRejectsList()).extracting(x -> x.getIndex()).containsExactly(5, 38, 71);
    assertThat(r.getAccepted()).isEqualTo(97);
  }

  private static List<String> describe(List<AlertEvent> events) {
    return events.stream().map(e -> e.eventKey() + " left=" + e.leftValue() + " values=" + e.values()).toList();
  }

  private List<Sample> randomSamples(Random rnd, int n) {
    long[] next = new long[SERIES.length];
    double[] counters = new double[SERIES.length];
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = rnd.nextInt(rnd.nextBoolean() ? 2 : SERIES.length); // often the same two: repeats in a window
      next[k] += rnd.nextInt(10) == 0 ? 0 : 60; // sometimes a duplicate timestamp (not newer)
      double value;
      if ("m.rate".equals(SERIES[k][1])) {
        counters[k] = rnd.nextInt(8) == 0 ? rnd.nextInt(50) : counters[k] + rnd.nextInt(400); // resets too
        value = counters[k];
      } else {
        value = rnd.nextInt(100);
      }
      Sample.Builder s = sample(SERIES[k], value, T0 + next[k]);
      if ("m.rate".equals(SERIES[k][1])) {
        s.setCounterType(CounterType.COUNTER);
      }
      if (rnd.nextInt(25) == 0) {
        s.setValue(Double.NaN); // refused: the rest of its window goes on
      }
      out.add(s.build());
    }
    return out;
  }

  private static Sample.Builder sample(String[] series, double value, long t) {
    return Sample.newBuilder().setEndpoint(series[0]).setMetric(series[1]).setTags(series[2]).setValue(value)
        .setTimestamp(t).setStep(60).setCounterType(CounterType.GAUGE);
  }

  private Judged judgeInBatches(List<Sample> samples, Random rnd) throws Exception {
    List<List<Sample>> batches = new ArrayList<>();
    for (int i = 0; i < samples.size(); ) {
      int size = 1 + rnd.nextInt(90); // below, at and across the window of 32
      batches.add(samples.subList(i, Math.min(samples.size(), i + size)));
      i += size;
    }
    return judge(batches);
  }

  private Judged judge(List<List<Sample>> batches) throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<AlertEvent> events = new ArrayList<>();
    Evaluator e = evaluator(registry, events);
    WireBatchJudge judge = new WireBatchJudge(e, null, clock, registry);
    List<PushResponse> answers = new ArrayList<>();
    for (List<Sample> b : batches) {
      answers.add(judge.judge(SampleBatch.newBuilder().addAllSamples(b).build().toByteArray()));
    }
    return judged(events, answers, registry);
  }

  private Judged judgeOneByOne(List<Sample> samples) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<AlertEvent> events = new ArrayList<>();
    Evaluator e = evaluator(registry, events);
    for (Sample s : samples) {
      if (Double.isFinite(s.getValue())) {
        e.judge(s);
      }
    }
    return judged(events, List.of(), registry);
  }

  private Evaluator evaluator(SimpleMeterRegistry registry, List<AlertEvent> events) {
    StrategyIndex index = StrategyIndex.build(strategies(), 11);
    return new Evaluator(new HistoryStore(11, clock, registry), () -> index, events::add, 11,
        Duration.ofSeconds(0), clock, registry);
  }

  private static Judged judged(List<AlertEvent> events, List<PushResponse> answers, SimpleMeterRegistry r) {
    return new Judged(events, answers, r.counter("judge_judged_samples").count(),
        r.counter("judge_dropped_samples", "reason", "not_newer").count(),
        r.counter("judge_unwatched_samples").count());
  }
}
