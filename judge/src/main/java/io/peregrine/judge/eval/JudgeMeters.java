package io.peregrine.judge.eval;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertQueues;

/** The evaluator's counters, registered once and shared by its parts. */
final class JudgeMeters {
  final Counter judged;
  final Counter notNewer;
  final Counter unwatched;
  final Counter stateUnavailable;
  final Counter stateRestored;
  final Counter nodataRaised;
  final Counter mocksInjected;
  /** [status: 0 PROBLEM, 1 OK][priority 0..6] */
  private final Counter[][] events = new Counter[2][AlertQueues.MAX_PRIORITY + 1];

  JudgeMeters(MeterRegistry registry) {
    judged = Counter.builder("judge_judged_samples")
        .description("samples added to a watched series' history and judged").register(registry);
    notNewer = Counter.builder("judge_dropped_samples").tag("reason", "not_newer")
        .description("samples not judged, by reason").register(registry);
    unwatched = Counter.builder("judge_unwatched_samples")
        .description("samples of series no strategy or expression applies to (not kept)").register(registry);
    stateUnavailable = Counter.builder("judge_dropped_samples").tag("reason", "state_unavailable")
        .description("samples not judged, by reason").register(registry);
    stateRestored = Counter.builder("judge.state.restored")
        .description("series whose last events were read back from the state store after start").register(registry);
    nodataRaised = Counter.builder("judge.nodata.raised")
        .description("nodata PROBLEM events raised because a series stayed silent").register(registry);
    mocksInjected = Counter.builder("judge.nodata.mocks.injected")
        .description("mock values injected for silent series (Open-Falcon's mockcfg)").register(registry);
    for (int p = 0; p <= AlertQueues.MAX_PRIORITY; p++) {
      events[0][p] = eventCounter(registry, AlertEvent.PROBLEM, p);
      events[1][p] = eventCounter(registry, AlertEvent.OK, p);
    }
  }

  private static Counter eventCounter(MeterRegistry registry, String status, int priority) {
    return Counter.builder("judge.events.emitted").tag("status", status).tag("priority", "p" + priority)
        .description("events handed to the publisher").register(registry);
  }

  void event(boolean problem, int priority) {
    events[problem ? 0 : 1][priority].increment();
  }
}
