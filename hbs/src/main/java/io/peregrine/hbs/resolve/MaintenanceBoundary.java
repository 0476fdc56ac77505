package io.peregrine.hbs.resolve;

import io.peregrine.hbs.store.HostRow;
import java.util.Collection;

/**
 * When the strategy set next depends on the clock: the set leaves out hosts inside their maintenance window
 * ({@link HostRow#inMaintenance}), so it changes at the second a window starts ({@code maintain_begin}) and the
 * second after it ends ({@code maintain_end + 1}) even though no row changed.
 */
final class MaintenanceBoundary {
  /** No window starts or ends in the future. */
  static final long NONE = Long.MAX_VALUE;

  private MaintenanceBoundary() {}

  /** The first second after {@code nowSeconds} at which some host enters or leaves maintenance; {@link #NONE}. */
  static long next(Collection<HostRow> hosts, long nowSeconds) {
    long next = NONE;
    for (HostRow h : hosts) {
      if (h.maintainEnd() <= 0 || h.maintainBegin() > h.maintainEnd()) {
        continue; // no window (Open-Falcon writes 0 and 0), or one that is never open
      }
      if (h.maintainBegin() > nowSeconds) {
        next = Math.min(next, h.maintainBegin());
      }
      if (h.maintainEnd() < NONE - 1 && h.maintainEnd() + 1 > nowSeconds) {
        next = Math.min(next, h.maintainEnd() + 1);
      }
    }
    return next;
  }
}
