package io.peregrine.judge.expr;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertQueues;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.model.Tags;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.server.ThrottledLog;
import io.peregrine.judge.eval.Dedup;
import io.peregrine.judge.eval.EventSink;
import io.peregrine.judge.eval.FunctionResult;
import io.peregrine.judge.eval.LastEvent;
import io.peregrine.judge.state.StateStore;
import io.peregrine.judge.state.StateUnavailableException;
import io.peregrine.proto.v1.Expression;
import io.peregrine.proto.v1.Sample;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges multi-metric expressions: every validated sample is offered here (after the strategy evaluator); a sample
 * of a metric some rule references updates that rule's input on the sample's endpoint, and the rule is evaluated
 * at once with every input's latest value. A known result joins the rule's result series on that endpoint (one
 * point per timestamp), the rule's Open-Falcon function runs over it, and dedup, events, state and publishing are
 * the strategies' own ({@link Dedup}, the judge's {@link EventSink}, its {@link StateStore}).
 *
 * <p>An unknown result (an input missing, stale, ambiguous or a counter reset; a division by zero) is not judged at
 * all: no PROBLEM, and never an OK. Thread-safe; one endpoint's rule is judged one sample at a time.
 */
public final class ExprJudge implements Component {
  private static final Logger log = LoggerFactory.getLogger(ExprJudge.class);
  /** As the strategies' history: an endpoint silent for a day is forgotten. */
  static final Duration STALE_AFTER = Duration.ofHours(24);
  private static final Duration SWEEP_EVERY = Duration.ofMinutes(10);

  private final Supplier<List<Expression>> hbs;
  private final List<ExprRuleDef> configured;
  private final int historySize;
  private final EventSink sink;
  private final StateStore store;
  private final long minIntervalSeconds;
  private final Clock clock;
  private final ThrottledLog stateLog = new ThrottledLog(log, Duration.ofSeconds(30));
  /** endpoint -> rule key -> instance. */
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, ExprInstance>> instances =
      new ConcurrentHashMap<>();
  private final Set<ExprRuleSet.Problem> reported = ConcurrentHashMap.newKeySet();
  private volatile Built current;
  private volatile ScheduledExecutorService sweeper;
  private final Counter evaluations;
  private final Counter unknownInputs;
  private final Counter undefined;
  private final Counter stateUnavailable;
  private final Counter[][] events = new Counter[2][AlertQueues.MAX_PRIORITY + 1];

  /** The rule set built from one version of hbs's list (identity). */
  private record Built(List<Expression> source, ExprRuleSet set) {}

  /**
   * @param hbs hbs's unpaused {@code calc(...)} expressions; the same list object while the strategy set is
   *     unchanged (a new object rebuilds the rules)
   * @param configured the rules of {@code judge.multiMetric}
   */
  public ExprJudge(Supplier<List<Expression>> hbs, List<ExprRuleDef> configured, int historySize, EventSink sink,
      StateStore store, Duration minInterval, Clock clock, MeterRegistry registry) {
    this.hbs = hbs;
    this.configured = List.copyOf(configured);
    this.historySize = historySize;
    this.sink = sink;
    this.store = store;
    this.minIntervalSeconds = minInterval.toSeconds();
    this.clock = clock;
    this.evaluations = Counter.builder("judge.expr.evaluations")
        .description("multi-metric expression evaluations with a known result (then judged)").register(registry);
    this.unknownInputs = Counter.builder("judge.expr.unknown").tag("reason", "input")
        .description("multi-metric evaluations whose result was unknown, not judged: an input missing, stale, "
            + "ambiguous or a counter reset (input), or a division by zero or overflow (undefined)")
        .register(registry);
    this.undefined = Counter.builder("judge.expr.unknown").tag("reason", "undefined")
        .description("multi-metric evaluations whose result was unknown, not judged: an input missing, stale, "
            + "ambiguous or a counter reset (input), or a division by zero or overflow (undefined)")
        .register(registry);
    this.stateUnavailable = Counter.builder("judge.expr.unknown").tag("reason", "state_unavailable")
        .description("multi-metric evaluations whose result was unknown, not judged: an input missing, stale, "
            + "ambiguous or a counter reset (input), or a division by zero or overflow (undefined)")
        .register(registry);
    Gauge.builder("judge.expr.rules", this, j -> j.set().rules().size())
        .description("multi-metric expressions in use").register(registry);
    Gauge.builder("judge.expr.instances", instances, m -> m.values().stream().mapToInt(Map::size).sum())
        .description("multi-metric expression and endpoint pairs kept").register(registry);
    for (int p = 0; p <= AlertQueues.MAX_PRIORITY; p++) {
      // the strategies' meter: one count of events whatever raised them
      events[0][p] = Counter.builder("judge.events.emitted").tag("status", AlertEvent.PROBLEM).tag("priority", "p" + p)
          .description("events handed to the publisher").register(registry);
      events[1][p] = Counter.builder("judge.events.emitted").tag("status", AlertEvent.OK).tag("priority", "p" + p)
          .description("events handed to the publisher").register(registry);
    }
  }

  /**
   * Checks {@code judge.multiMetric} as the config loads.
   *
   * @throws IllegalArgumentException naming the rule, its index and the problem (a parse error's column)
   */
  public static void checkConfig(List<ExprRuleDef> rules, int historySize) {
    ExprRuleSet.check(rules, historySize);
  }

  /** What would be left out of these rules, and why: one line each ({@code hbs 5 ('calc(..)'): col 3: ...}). */
  public static List<String> problems(List<Expression> hbs, List<ExprRuleDef> configured, int historySize) {
    List<String> out = new ArrayList<>();
    for (ExprRuleSet.Problem p : ExprRuleSet.build(hbs, configured, historySize).skipped()) {
      out.add(p.origin() + " " + p.id() + " ('" + p.rule() + "'): " + p.reason());
    }
    return out;
  }

  @Override
  public String name() {
    return "judge-expr";
  }

  @Override
  public void start() {
    sweeper = NamedExecutors.scheduled("judge-expr-sweep");
    sweeper.scheduleWithFixedDelay(this::sweepSafely, SWEEP_EVERY.toMillis(), SWEEP_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** The rules in use, rebuilt when hbs's list changed. */
  ExprRuleSet set() {
    List<Expression> source = hbs.get();
    Built b = current;
    if (b != null && b.source() == source) {
      return b.set();
    }
    synchronized (this) {
      b = current;
      if (b != null && b.source() == source) {
        return b.set();
      }
      ExprRuleSet set = ExprRuleSet.build(source, configured, historySize);
      for (ExprRuleSet.Problem p : set.skipped()) {
        if (reported.add(p)) {
          log.warn("judge: skipping multi-metric expression {} {} ('{}'): {}", p.origin(), p.id(), p.rule(),
              p.reason());
        }
      }
      for (ExprRuleSet.Problem p : set.warnings()) {
        if (reported.add(p)) {
          log.warn("judge: multi-metric expression {} {} ('{}'): {}", p.origin(), p.id(), p.rule(), p.reason());
        }
      }
      // a change is worth a line; the first set only at debug (`judge test --output events` owns stdout)
      if (b == null) {
        log.debug("judge: {} multi-metric expressions in use, {} skipped", set.rules().size(), set.skipped().size());
      } else if (!b.set().rules().equals(set.rules())) {
        log.info("judge: {} multi-metric expressions in use, {} skipped", set.rules().size(), set.skipped().size());
      }
      current = new Built(source, set);
      return set;
    }
  }

  /**
   * Offers a validated sample read in place: a sample of a metric no rule reads costs a probe of the metric's bytes;
   * only the others are made into a sample object.
   */
  public void judge(io.peregrine.judge.eval.SampleView v) {
    ExprRuleSet set = set();
    if (set.isEmpty() || !set.readsMetric(v.bytes(), v.metricOffset(), v.metricLength())) {
      return;
    }
    judge(v.toSample());
  }

  /** Offers a validated sample (canonical tags, positive timestamp); cheap when no rule reads its metric. */
  public void judge(Sample s) {
    ExprRuleSet set = set();
    if (set.isEmpty()) {
      return;
    }
    List<ExprRuleSet.Binding> bindings = set.bindings(s.getMetric());
    if (bindings == null) {
      return;
    }
    Map<String, String> tags = null;
    for (ExprRuleSet.Binding b : bindings) {
      if (!b.ref().tags().isEmpty()) {
        if (tags == null) {
          tags = s.getTags().isEmpty() ? Map.of() : Tags.parse(s.getTags());
        }
        if (!b.ref().matches(s.getEndpoint(), tags)) {
          continue;
        }
      }
      judge(instance(b.rule(), s.getEndpoint()), b, s);
    }
  }

  private ExprInstance instance(ExprRule rule, String endpoint) {
    ConcurrentHashMap<String, ExprInstance> byRule = instances.computeIfAbsent(endpoint,
        e -> new ConcurrentHashMap<>(4));
    ExprInstance i = byRule.get(rule.key());
    return i != null ? i : byRule.computeIfAbsent(rule.key(), k -> new ExprInstance(rule, endpoint, historySize));
  }

  private void judge(ExprInstance inst, ExprRuleSet.Binding b, Sample s) {
    long nowMillis = clock.millis();
    synchronized (inst) {
      if (inst.rule != b.rule()) {
        if (inst.rule.equals(b.rule())) {
          inst.rule = b.rule(); // the same rule from a new strategy set: keep inputs and results
        } else {
          inst.reset(b.rule(), historySize);
        }
      }
      ExprRule rule = inst.rule;
      inst.lastReceiptMillis = nowMillis;
      if (!inst.update(b.slot(), s.getTags(), s.getTimestamp(), s.getValue(), s.getCounterType(), s.getStep())) {
        return;
      }
      long at = s.getTimestamp();
      double[] inputs = new double[inst.slots.length];
      boolean allKnown = inst.inputs(at, inputs);
      double result = rule.parsed().value().eval(inputs);
      if (Double.isNaN(result)) {
        (allKnown ? undefined : unknownInputs).increment();
        return;
      }
      if (!inst.addResult(at, result)) {
        return;
      }
      if (!inst.restored && !restore(inst)) {
        stateUnavailable.increment();
        return;
      }
      evaluations.increment();
      double[] vs = new double[inst.capacity()];
      long[] ts = new long[inst.capacity()];
      int count = inst.results(vs, ts);
      FunctionResult r = rule.parsed().function().evaluate(vs, count, rule.parsed().op(), rule.parsed().right());
      if (!r.enough()) {
        return;
      }
      Dedup.Decision d = Dedup.decide(inst.last, r.fired(), rule.maxStep(), ts[r.used() - 1], nowMillis / 1000,
          minIntervalSeconds);
      if (d == null) {
        return;
      }
      String id = rule.key() + "_" + inst.md5;
      List<Double> judged = new ArrayList<>(r.used());
      for (int i = 0; i < r.used(); i++) {
        judged.add(vs[i]);
      }
      AlertEvent event = new AlertEvent(id, null, rule.event(), d.status(), inst.endpoint, r.leftValue(),
          d.currentStep(), at, Map.of(), rule.priority(), rule.event().metric(),
          AlertEvent.keyOf(id, d.status(), at, d.currentStep()), judged);
      if (sink.offer(event)) {
        inst.last = new LastEvent(d.problem(), d.currentStep(), at);
        events[d.problem() ? 0 : 1][rule.priority()].increment();
      }
    }
  }

  /** Reads the rule's last event on this endpoint back from the state store; false when it cannot answer now. */
  private boolean restore(ExprInstance inst) {
    try {
      LastEvent stored = store.load(inst.md5).get(inst.rule.key());
      if (inst.last == null) {
        inst.last = stored;
      }
      inst.restored = true;
      return true;
    } catch (StateUnavailableException e) {
      stateLog.error("judge: {}; multi-metric expressions on endpoints without their state are not judged until "
          + "it answers", e.getMessage());
      return false;
    }
  }

  /** The rules in use and the ones left out, for {@code /api/v1/strategies}. */
  public ObjectNode toJson() {
    return set().toJson();
  }

  /** Forgets endpoints silent for a day and rules no longer in use. @return instances removed */
  int sweep() {
    long cutoff = clock.millis() - STALE_AFTER.toMillis();
    ExprRuleSet set = set();
    int removed = 0;
    for (Map.Entry<String, ConcurrentHashMap<String, ExprInstance>> e : instances.entrySet()) {
      int before = e.getValue().size();
      e.getValue().values().removeIf(i -> i.lastReceiptMillis < cutoff || !set.contains(i.rule.key()));
      removed += before - e.getValue().size();
      instances.computeIfPresent(e.getKey(), (k, v) -> v.isEmpty() ? null : v);
    }
    return removed;
  }

  int instanceCount() {
    return instances.values().stream().mapToInt(Map::size).sum();
  }

  private void sweepSafely() {
    try {
      int removed = sweep();
      if (removed > 0) {
        log.info("judge: forgot {} multi-metric expression instances (endpoint silent for {} h or rule removed)",
            removed, STALE_AFTER.toHours());
      }
    } catch (RuntimeException e) {
      log.warn("judge: multi-metric expression sweep failed; next try in {} min", SWEEP_EVERY.toMinutes(), e);
    }
  }

  @Override
  public void close() {
    ScheduledExecutorService s = sweeper;
    sweeper = null;
    if (s != null) {
      NamedExecutors.shutdown(s, name(), Duration.ofSeconds(2));
    }
  }
}
