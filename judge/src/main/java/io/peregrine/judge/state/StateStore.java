package io.peregrine.judge.state;

import io.peregrine.judge.eval.LastEvent;
import java.util.Map;

/**
 * Where the last event of every rule on a series survives a restart: read once per series, on its first sample
 * after start. Writes happen with the event itself (see {@link StateKeys}): the Redis publisher writes state and
 * LPUSH in one Lua script; the embedded store records the state right after the in-process queue took the event.
 * Keyed by series (the MD5 of the event id), so a series that moves to another judge finds its state there.
 */
public interface StateStore {
  /** No persistence: state lives in process memory only. */
  StateStore MEMORY = seriesHash -> Map.of();

  /**
   * @param seriesHash the MD5 hex part of the series' event ids
   * @return rule key ({@code s_7}, {@code e_3}) to its last event; empty when none was stored
   * @throws StateUnavailableException when the store cannot answer now (the caller tries again later)
   */
  Map<String, LastEvent> load(String seriesHash) throws StateUnavailableException;
}
