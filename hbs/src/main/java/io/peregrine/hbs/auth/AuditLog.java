package io.peregrine.hbs.auth;

import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.Listing;
import io.peregrine.hbs.store.Page;
import java.time.Clock;

/**
 * The {@code audit_log} table: every successful write through the admin API, appended after the write committed
 * (so a write is never refused because its audit row failed; such a failure is logged by the caller instead).
 */
public final class AuditLog {
  /** Longer bodies are cut here (the column's size); the write itself took the whole body. */
  public static final int MAX_BODY_CHARS = 4000;

  private final Database db;
  private final Clock clock;

  public AuditLog(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** The clock entries are stamped with; the admin routes that need "now" use the same one. */
  public Clock clock() {
    return clock;
  }

  public void append(String actor, long tokenId, String method, String path, String entity, long entityId,
      int status, String body) {
    String kept = body.length() > MAX_BODY_CHARS ? body.substring(0, MAX_BODY_CHARS) : body;
    db.tx(h -> h.createUpdate("INSERT INTO audit_log (created_at, actor, token_id, method, path, entity, entity_id, "
            + "status, body) VALUES (:at, :actor, :token, :method, :path, :entity, :eid, :status, :body)")
        .bind("at", clock.millis()).bind("actor", actor).bind("token", tokenId).bind("method", method)
        .bind("path", cut(path, 255)).bind("entity", cut(entity, 32)).bind("eid", entityId).bind("status", status)
        .bind("body", kept).execute());
  }

  public Page<AuditEntry> page(Listing l) {
    return db.tx(h -> new Page<>(l.rows(h, "SELECT " + AuditEntry.COLUMNS + " FROM audit_log", AuditEntry.MAPPER),
        Listing.count(h, "audit_log", l.filter())));
  }

  private static String cut(String s, int max) {
    return s.length() > max ? s.substring(0, max) : s;
  }
}
