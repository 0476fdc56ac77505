package io.peregrine.judge.eval;

import io.peregrine.common.event.AlertEvent;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Agent lost: raises or clears one event per host from hbs's heartbeats. The state is that of the pseudo series
 * {@code <host>/agent.alive/source=hbs}, stored like any other, so a restart or a second judge does not raise it
 * twice.
 */
final class AgentJudge {
  private final ConcurrentHashMap<String, SeriesState> states = new ConcurrentHashMap<>();
  private final EventEmitter emitter;
  private final Clock clock;

  AgentJudge(EventEmitter emitter, Clock clock) {
    this.emitter = emitter;
    this.clock = clock;
  }

  void judge(String hostname, boolean lost, long silentSeconds, Rule rule) {
    SeriesState state = states.computeIfAbsent(hostname,
        h -> new SeriesState(h, Evaluator.AGENT_METRIC, Evaluator.AGENT_TAGS, 1));
    long nowSeconds = clock.millis() / 1000;
    synchronized (state) {
      if (!state.restored() && !emitter.restore(state)) {
        return;
      }
      if (!rule.window().isActive(clock)) {
        return;
      }
      emitter.decided(state, rule, lost, nowSeconds, (id, d) -> new AlertEvent(id, rule.eventStrategy(),
          rule.eventExpression(), d.status(), hostname, silentSeconds, d.currentStep(), nowSeconds,
          Map.of("source", "hbs"), rule.priority(), Evaluator.AGENT_METRIC,
          AlertEvent.keyOf(id, d.status(), nowSeconds, d.currentStep()), List.of()));
    }
  }
}
