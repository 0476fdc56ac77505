package io.peregrine.hbs.ca;

import io.peregrine.hbs.store.Database;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The issuance record of agent certificates ({@code agent_certificate}, V22) and the nodes an admin shut out
 * ({@code agent_node_revocation}, V23). Times are unix ms.
 */
public final class CertificateStore {
  /** One row per issued certificate. */
  public record Issued(String serial, String node, long issuedAt, long notAfter, String issuedBy, long revokedAt) {}

  /** Most rows one listing answers (a node renews once per two thirds of a day). */
  public static final int MAX_LIST = 1000;

  private final Database db;

  public CertificateStore(Database db) {
    this.db = db;
  }

  public void record(Handle h, Issued row) {
    h.createUpdate("INSERT INTO agent_certificate (serial, node, issued_at, not_after, issued_by, revoked_at) "
            + "VALUES (:serial, :node, :at, :notAfter, :by, 0)")
        .bind("serial", row.serial()).bind("node", row.node()).bind("at", row.issuedAt())
        .bind("notAfter", row.notAfter()).bind("by", cut(row.issuedBy(), 255)).execute();
  }

  public Optional<Issued> find(Handle h, String serial) {
    return h.createQuery("SELECT serial, node, issued_at, not_after, issued_by, revoked_at FROM agent_certificate "
            + "WHERE serial = :serial").bind("serial", serial)
        .map((rs, ctx) -> new Issued(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
            rs.getString(5), rs.getLong(6))).findOne();
  }

  /** The newest certificates of {@code node} first, at most {@link #MAX_LIST}. */
  public List<Issued> ofNode(String node) {
    return db.tx(h -> h.createQuery("SELECT serial, node, issued_at, not_after, issued_by, revoked_at "
            + "FROM agent_certificate WHERE node = :node ORDER BY issued_at DESC").bind("node", node)
        .setMaxRows(MAX_LIST)
        .map((rs, ctx) -> new Issued(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
            rs.getString(5), rs.getLong(6))).list());
  }

  public boolean nodeRevoked(Handle h, String node) {
    return h.createQuery("SELECT COUNT(*) FROM agent_node_revocation WHERE node = :node").bind("node", node)
        .mapTo(Long.class).one() > 0;
  }

  /**
   * Revokes every certificate of {@code node} and shuts the node out of enrolment.
   *
   * @return how many certificates were not revoked before
   */
  public int revokeNode(Handle h, String node, String by, long nowMillis) {
    int n = h.createUpdate("UPDATE agent_certificate SET revoked_at = :now WHERE node = :node AND revoked_at = 0")
        .bind("now", nowMillis).bind("node", node).execute();
    if (!nodeRevoked(h, node)) {
      h.createUpdate("INSERT INTO agent_node_revocation (node, revoked_at, revoked_by) VALUES (:node, :now, :by)")
          .bind("node", node).bind("now", nowMillis).bind("by", cut(by, 255)).execute();
    }
    return n;
  }

  /** Lets {@code node} enrol again; its revoked certificates stay revoked. False when it was not shut out. */
  public boolean liftNode(Handle h, String node) {
    return h.createUpdate("DELETE FROM agent_node_revocation WHERE node = :node").bind("node", node).execute() > 0;
  }

  /** Serials revoked and not yet expired: what servers must refuse (an expired one fails the handshake anyway). */
  public List<String> revokedUnexpired(long nowMillis) {
    return db.tx(h -> h.createQuery("SELECT serial FROM agent_certificate WHERE revoked_at > 0 "
            + "AND not_after > :now ORDER BY serial").bind("now", nowMillis).mapTo(String.class).list());
  }

  private static String cut(String s, int max) {
    return s.length() > max ? s.substring(0, max) : s;
  }
}
