package io.peregrine.sender.lifecycle;

import io.peregrine.common.config.Checks;
import java.time.Duration;

/**
 * The sender's incident-lifecycle settings (section {@code sender.lifecycle}; docs/ALERTING.md).
 *
 * @param silenceRefresh how often the silences are pulled from hbs ({@code Hbs.GetSilences}); a silence created in
 *     hbs is honoured within this
 */
public record LifecycleConfig(Duration silenceRefresh) {
  /** A silence is usually made just before the noisy work starts; ten seconds is quick enough and one query. */
  public static final Duration DEFAULT_SILENCE_REFRESH = Duration.ofSeconds(10);

  public LifecycleConfig {
    silenceRefresh = silenceRefresh == null ? DEFAULT_SILENCE_REFRESH : silenceRefresh;
    Checks.positive("sender.lifecycle.silenceRefresh", silenceRefresh);
  }

  public static LifecycleConfig defaults() {
    return new LifecycleConfig(DEFAULT_SILENCE_REFRESH);
  }
}
