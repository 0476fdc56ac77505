package io.peregrine.judge.eval;

import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.NamedExecutors;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the evaluator's due silence checks (nodata, mock values) every second on one named thread. */
public final class SilenceChecker implements Component {
  private static final Logger log = LoggerFactory.getLogger(SilenceChecker.class);
  /** Nodata thresholds are whole steps (tens of seconds): a second of lateness is invisible. */
  static final Duration TICK = Duration.ofSeconds(1);

  private final Evaluator evaluator;
  private volatile ScheduledExecutorService executor;

  public SilenceChecker(Evaluator evaluator) {
    this.evaluator = evaluator;
  }

  @Override
  public String name() {
    return "judge-silence";
  }

  @Override
  public void start() {
    executor = NamedExecutors.scheduled("judge-silence");
    executor.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      evaluator.checkSilence();
    } catch (RuntimeException e) {
      log.warn("judge: silence check failed; next try in {} s", TICK.toSeconds(), e);
    }
  }

  @Override
  public void close() {
    if (executor != null) {
      NamedExecutors.shutdown(executor, name(), Duration.ofSeconds(2));
      executor = null;
    }
  }
}
