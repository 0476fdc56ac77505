package io.peregrine.sender.lifecycle;

import io.peregrine.common.event.AlertEvent;
import java.util.Optional;

/** The silences the sender honours: which one, if any, silences an event now. */
public interface Silences {
  Silences NONE = event -> Optional.empty();

  /** The first silence on now that matches the event, or empty. */
  Optional<SilenceMatcher> silencing(AlertEvent event);
}
