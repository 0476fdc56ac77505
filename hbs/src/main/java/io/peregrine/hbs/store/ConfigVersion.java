package io.peregrine.hbs.store;

import org.jdbi.v3.core.Handle;

/**
 * The {@code config_version} counter: bumped by every write of the monitoring configuration (admin API, import,
 * a new host), read by the strategy-set refresher to skip a rebuild when nothing changed. One row, so a check is a
 * primary-key read; a bump is an update of that row.
 */
public final class ConfigVersion {
  private ConfigVersion() {}

  /** The counter now; 0 when its row is missing (someone deleted it by hand): a value no build ever recorded. */
  public static long read(Handle h) {
    return h.createQuery("SELECT version FROM config_version WHERE id = 1").mapTo(Long.class).findOne().orElse(0L);
  }

  /** Adds one to the counter (and puts its row back when it was deleted by hand). */
  public static void bump(Handle h) {
    if (h.createUpdate("UPDATE config_version SET version = version + 1 WHERE id = 1").execute() == 0) {
      h.createUpdate("INSERT INTO config_version (id, version) VALUES (1, 2)").execute();
    }
  }
}
