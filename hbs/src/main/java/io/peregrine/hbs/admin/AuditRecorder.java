package io.peregrine.hbs.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.peregrine.hbs.auth.AuditLog;
import io.peregrine.hbs.auth.Principal;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one audit row per successful write through the admin API (after the write committed). The entity is the
 * path's first segment after {@code /api/v1/}; its id is the next segment, or the created row's id for a POST that
 * made one. Password fields are masked; a failure to record is logged, never turned into a failed answer.
 */
final class AuditRecorder {
  private static final Logger log = LoggerFactory.getLogger(AuditRecorder.class);
  /** Set by a handler that created a row, so the audit row names it. */
  static final String CREATED_ID = "hbs.createdId";
  private static final Set<String> SECRET_FIELDS = Set.of("password", "currentPassword", "newPassword");

  private final AuditLog audit;

  AuditRecorder(AuditLog audit) {
    this.audit = audit;
  }

  void record(Context ctx) {
    Principal p = ctx.attribute(Access.PRINCIPAL);
    if (p == null) {
      return; // only open routes have none, and the only open write (login) sets one when it succeeds
    }
    String[] parts = ctx.path().split("/");
    // "", "api", "v1", entity, id?, ...
    String entity = parts.length > 3 ? parts[3] : "";
    long entityId = 0;
    if (parts.length > 4 && parts[4].matches("[0-9]{1,18}")) {
      entityId = Long.parseLong(parts[4]);
    } else if (ctx.attribute(CREATED_ID) != null) {
      entityId = ctx.<Long>attribute(CREATED_ID);
    }
    JsonNode body = ctx.attribute(Bodies.BODY);
    String text = body == null ? "" : masked(body.deepCopy()).toString();
    try {
      audit.append(p.user(), p.tokenId(), ctx.method().name(), ctx.path(), entity, entityId, ctx.statusCode(), text);
    } catch (RuntimeException e) {
      log.warn("hbs-audit: could not record {} {} by '{}'", ctx.method(), ctx.path(), p.user(), e);
    }
  }

  private static JsonNode masked(JsonNode n) {
    if (n instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (SECRET_FIELDS.contains(e.getKey())) {
          e.setValue(o.textNode("***"));
        } else {
          masked(e.getValue());
        }
      }
    } else if (n.isArray()) {
      n.forEach(AuditRecorder::masked);
    }
    return n;
  }
}
