package io.peregrine.judge.ruletest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.config.Durations;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertEventJson;
import io.peregrine.common.model.CounterTypes;
import io.peregrine.common.model.SeriesKey;
import io.peregrine.common.model.Tags;
import io.peregrine.common.time.ManualClock;
import io.peregrine.judge.JudgeConfig;
import io.peregrine.judge.eval.Evaluator;
import io.peregrine.judge.eval.EventSink;
import io.peregrine.judge.expr.ExprJudge;
import io.peregrine.judge.expr.ExprRuleDef;
import io.peregrine.judge.state.StateStore;
import io.peregrine.judge.eval.HistoryStore;
import io.peregrine.judge.ruletest.RuleTestFile.ExpectedEvent;
import io.peregrine.judge.ruletest.RuleTestFile.SeriesDef;
import io.peregrine.judge.ruletest.RuleTestFile.TestCase;
import io.peregrine.judge.strategy.StrategyIndex;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.Expression;
import io.peregrine.proto.v1.HostStrategies;
import io.peregrine.proto.v1.MockConfig;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.Strategy;
import io.peregrine.proto.v1.StrategySet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs rule test files ({@code peregrine judge test}) through the production evaluator: the strategy index hbs's
 * set would build, the history store, dedup, nodata deadlines and mock values, with a clock the runner moves one
 * second at a time from each test's start. Samples are fed when the clock reaches their timestamp (plus the
 * test's lag), to the evaluator and to the multi-metric expressions; after every second the due silence checks run. Events are compared in order with the expected ones.
 */
public final class RuleTestRunner {
  public static final long DEFAULT_START = 1_800_000_000L;
  /** A week of clock per test case: more would be a slow test, not a rule test. */
  public static final long MAX_SPAN_SECONDS = 7 * 86_400L;
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One event as it fired: in which test, after which offset. */
  public record Fired(String test, long at, long start, AlertEvent event) {}

  /** The outcome of one file: failure messages (empty = passed) and every event that fired. */
  public record Result(Path file, int tests, List<String> failures, List<Fired> fired) {
    public boolean passed() {
      return failures.isEmpty();
    }
  }

  public Result run(Path file) {
    RuleTestFile spec;
    try {
      spec = YAML.readValue(Files.readString(file), RuleTestFile.class);
    } catch (IOException e) {
      return new Result(file, 0, List.of(file + ": cannot read: " + e.getMessage().lines().findFirst().orElse("")),
          List.of());
    }
    return run(spec, file);
  }

  /**
   * Runs a rule test already read (the HTTP route's body); {@code file} only names it in the failures.
   */
  public Result run(RuleTestFile spec, Path file) {
    if (spec == null || spec.tests() == null || spec.tests().isEmpty()) {
      return new Result(file, 0, List.of(file + ": no tests"), List.of());
    }
    int remain = spec.remain() == null ? JudgeConfig.DEFAULT_HISTORY_SIZE : spec.remain();
    if (remain < 2 || remain > JudgeConfig.MAX_HISTORY_SIZE) {
      return new Result(file, 0, List.of(file + ": remain must be within 2.." + JudgeConfig.MAX_HISTORY_SIZE),
          List.of());
    }
    Duration minInterval;
    try {
      minInterval = spec.minInterval() == null ? JudgeConfig.DEFAULT_MIN_INTERVAL
          : Durations.parse(spec.minInterval());
    } catch (IllegalArgumentException e) {
      return new Result(file, 0, List.of(file + ": minInterval: " + e.getMessage()), List.of());
    }
    StrategySet set = strategySet(spec);
    StrategyIndex index = StrategyIndex.build(set, remain);
    List<String> failures = new ArrayList<>();
    index.skipped().forEach(p -> failures.add(file + ": " + p.kind() + " " + p.id() + " (" + p.func()
        + ") cannot be judged: " + p.reason()));
    List<ExprRuleDef> multiMetric = list(spec.multiMetric());
    ExprJudge.problems(index.multiMetricExpressions(), multiMetric, remain)
        .forEach(p -> failures.add(file + ": multi-metric expression " + p));
    List<Fired> fired = new ArrayList<>();
    for (TestCase test : spec.tests()) {
      String name = test.name() == null ? "test " + (spec.tests().indexOf(test) + 1) : test.name();
      try {
        List<Fired> events = runCase(test, name, index, multiMetric, remain, minInterval);
        fired.addAll(events);
        compare(file + ": " + name, test, events, failures);
      } catch (IllegalArgumentException e) {
        failures.add(file + ": " + name + ": " + e.getMessage());
      }
    }
    return new Result(file, spec.tests().size(), failures, fired);
  }

  private static StrategySet strategySet(RuleTestFile spec) {
    Map<String, HostStrategies.Builder> hosts = new LinkedHashMap<>();
    for (RuleTestFile.StrategyDef d : list(spec.strategies())) {
      Strategy s = Strategy.newBuilder().setId(d.id()).setMetric(nz(d.metric())).setTags(nz(d.tags()))
          .setFunc(nz(d.func())).setOperator(nz(d.operator())).setRightValue(d.rightValue())
          .setMaxStep(d.maxStep() == null ? 3 : d.maxStep()).setPriority(d.priority() == null ? 2 : d.priority())
          .setNote(nz(d.note())).setRunBegin(nz(d.runBegin())).setRunEnd(nz(d.runEnd()))
          .setTemplateId(d.templateId()).setActionId(d.actionId()).build();
      for (String host : list(d.hosts())) {
        hosts.computeIfAbsent(host, h -> HostStrategies.newBuilder().setHostname(h)).addStrategies(s);
      }
    }
    StrategySet.Builder set = StrategySet.newBuilder().setVersion(1);
    hosts.values().forEach(set::addHosts);
    for (RuleTestFile.ExpressionDef e : list(spec.expressions())) {
      set.addExpressions(Expression.newBuilder().setId(e.id()).setExpression(nz(e.expression()))
          .setFunc(nz(e.func())).setOperator(nz(e.operator())).setRightValue(e.rightValue())
          .setMaxStep(e.maxStep() == null ? 3 : e.maxStep()).setPriority(e.priority() == null ? 2 : e.priority())
          .setNote(nz(e.note())).setActionId(e.actionId()).setPause(e.pause()));
    }
    for (RuleTestFile.MockDef m : list(spec.mocks())) {
      set.addMockConfigs(MockConfig.newBuilder().setId(m.id()).setName(nz(m.name())).setEndpoint(nz(m.endpoint()))
          .setMetric(nz(m.metric())).setTags(nz(m.tags()))
          .setCounterType(m.counterType() == null ? "GAUGE" : m.counterType())
          .setStep(m.step() == null ? 60 : m.step()).setMock(m.mock()));
    }
    return set.build();
  }

  private record Timed(long offset, Sample sample) {}

  private List<Fired> runCase(TestCase test, String name, StrategyIndex index, List<ExprRuleDef> multiMetric,
      int remain, Duration minInterval) {
    long start = test.start() == null ? DEFAULT_START : test.start();
    long lag = test.lag() == null ? 0 : test.lag();
    List<Timed> samples = samples(test);
    long last = samples.isEmpty() ? 0 : samples.get(samples.size() - 1).offset();
    long end = Math.max(last + lag, test.until() == null ? 0 : test.until());
    if (end > MAX_SPAN_SECONDS) {
      throw new IllegalArgumentException("the test spans " + end + " s; at most " + MAX_SPAN_SECONDS);
    }
    ManualClock clock = new ManualClock(start);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<Fired> fired = new ArrayList<>();
    long[] now = {0};
    EventSink sink = e -> fired.add(new Fired(name, now[0], start, e));
    Evaluator evaluator = new Evaluator(new HistoryStore(remain, clock, registry), () -> index, sink, remain,
        minInterval, clock, registry);
    ExprJudge expressions = new ExprJudge(index::multiMetricExpressions, multiMetric, remain, sink,
        StateStore.MEMORY, minInterval, clock, registry);
    int next = 0;
    for (long t = 0; t <= end; t++) {
      now[0] = t;
      clock.setSeconds(start + t);
      while (next < samples.size() && samples.get(next).offset() + lag <= t) {
        Sample sample = samples.get(next++).sample();
        evaluator.judge(sample);
        expressions.judge(sample);
      }
      evaluator.checkSilence();
    }
    return fired;
  }

  private static List<Timed> samples(TestCase test) {
    long start = test.start() == null ? DEFAULT_START : test.start();
    List<Timed> out = new ArrayList<>();
    for (SeriesDef s : list(test.series())) {
      if (s.endpoint() == null || s.metric() == null) {
        throw new IllegalArgumentException("every series needs endpoint and metric");
      }
      int step = s.step() == null ? 60 : s.step();
      if (step <= 0) {
        throw new IllegalArgumentException("series " + s.endpoint() + "/" + s.metric() + ": step must be positive");
      }
      CounterType type = s.counterType() == null ? CounterType.GAUGE : CounterTypes.parse(s.counterType());
      if (type == CounterType.COUNTER_TYPE_UNSPECIFIED) {
        throw new IllegalArgumentException("series " + s.endpoint() + "/" + s.metric() + ": counterType '"
            + s.counterType() + "' is not GAUGE, COUNTER or DERIVE");
      }
      String tags = Tags.canonical(nz(s.tags()));
      Sample.Builder base = Sample.newBuilder().setEndpoint(s.endpoint()).setMetric(s.metric()).setTags(tags)
          .setStep(step).setCounterType(type);
      if (s.values() != null && s.points() != null) {
        throw new IllegalArgumentException("series " + s.endpoint() + "/" + s.metric()
            + ": give values or points, not both");
      }
      if (s.values() != null) {
        double[] vs;
        try {
          vs = SampleNotation.parse(s.values());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("series " + s.endpoint() + "/" + s.metric() + " values: "
              + e.getMessage());
        }
        for (int i = 0; i < vs.length; i++) {
          if (!Double.isNaN(vs[i])) {
            long offset = (long) i * step;
            out.add(new Timed(offset, base.setTimestamp(start + offset).setValue(vs[i]).build()));
          }
        }
      }
      for (List<Double> p : list(s.points())) {
        if (p.size() != 2 || p.get(0) == null || p.get(1) == null) {
          throw new IllegalArgumentException("series " + s.endpoint() + "/" + s.metric()
              + ": a point is [offset, value], got " + p);
        }
        long offset = p.get(0).longValue();
        out.add(new Timed(offset, base.setTimestamp(start + offset).setValue(p.get(1)).build()));
      }
    }
    out.sort(Comparator.comparingLong(Timed::offset)); // stable: series order within one second
    return out;
  }

  private static void compare(String where, TestCase test, List<Fired> got, List<String> failures) {
    List<ExpectedEvent> want = list(test.expect());
    int n = Math.max(want.size(), got.size());
    for (int i = 0; i < n; i++) {
      if (i >= got.size()) {
        failures.add(where + ": event " + (i + 1) + " expected but not raised: " + describe(want.get(i)));
        continue;
      }
      Fired f = got.get(i);
      if (i >= want.size()) {
        failures.add(where + ": event " + (i + 1) + " raised but not expected: " + describe(f));
        continue;
      }
      ExpectedEvent w = want.get(i);
      AlertEvent e = f.event();
      List<String> diffs = new ArrayList<>();
      check(diffs, "at", w.at(), f.at());
      check(diffs, "series", w.series(), series(e));
      check(diffs, "id", w.id(), e.id());
      check(diffs, "status", w.status(), e.status());
      check(diffs, "currentStep", w.currentStep(), e.currentStep());
      check(diffs, "priority", w.priority(), e.priority());
      check(diffs, "eventTime", w.eventTime(), e.eventTime() - f.start());
      if (w.leftValue() != null && !(Math.abs(w.leftValue() - e.leftValue()) <= 1e-6
          || Objects.equals(w.leftValue(), e.leftValue()))) {
        diffs.add("leftValue: expected " + w.leftValue() + ", got " + e.leftValue());
      }
      if (!diffs.isEmpty()) {
        failures.add(where + ": event " + (i + 1) + " (" + describe(f) + "):\n      " + String.join("\n      ", diffs));
      }
    }
  }

  private static void check(List<String> diffs, String field, Object want, Object got) {
    if (want != null && !String.valueOf(want).equals(String.valueOf(got))) {
      diffs.add(field + ": expected " + want + ", got " + got);
    }
  }

  private static String series(AlertEvent e) {
    return SeriesKey.of(e.endpoint(), e.metric(), Tags.fromMap(e.pushedTags()));
  }

  private static String describe(ExpectedEvent w) {
    return JSON.valueToTree(w).toString();
  }

  private static String describe(Fired f) {
    AlertEvent e = f.event();
    return "at " + f.at() + " " + e.status() + " " + series(e) + " step " + e.currentStep() + " leftValue "
        + e.leftValue() + " eventTime " + (e.eventTime() - f.start());
  }

  /** One JSON line per fired event, for {@code --output events}: the test, the offset, the event. */
  public static String jsonLine(Path file, Fired f) {
    ObjectNode line = JSON.createObjectNode();
    line.put("file", file.toString());
    line.put("test", f.test());
    line.put("at", f.at());
    try {
      line.set("event", JSON.readTree(AlertEventJson.write(f.event())));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return line.toString();
  }

  private static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : l;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** The injected clock: UTC, moved by the runner. */
}
