package io.peregrine.hbs.store;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL on {@code action}. */
public final class ActionRepository {
  public List<ActionRow> list(Handle h) {
    return h.createQuery("SELECT " + ActionRow.COLUMNS + " FROM action ORDER BY id").map(ActionRow.MAPPER).list();
  }

  public Optional<ActionRow> find(Handle h, long id) {
    return h.createQuery("SELECT " + ActionRow.COLUMNS + " FROM action WHERE id = :id").bind("id", id)
        .map(ActionRow.MAPPER).findOne();
  }

  /** Inserts {@code a} (its id is ignored) and returns the new id. */
  public long create(Handle h, ActionRow a) {
    return h.createUpdate("INSERT INTO action (uic, url, callback, before_callback_sms, before_callback_mail, "
            + "after_callback_sms, after_callback_mail) VALUES (:uic, :url, :cb, :bsms, :bmail, :asms, :amail)")
        .bind("uic", a.uic()).bind("url", a.url()).bind("cb", flag(a.callback()))
        .bind("bsms", flag(a.beforeCallbackSms())).bind("bmail", flag(a.beforeCallbackMail()))
        .bind("asms", flag(a.afterCallbackSms())).bind("amail", flag(a.afterCallbackMail()))
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
  }

  /** Open-Falcon keeps flags as TINYINT 0/1. */
  private static int flag(boolean b) {
    return b ? 1 : 0;
  }

  public Page<ActionRow> page(Handle h, Listing l) {
    return new Page<>(l.rows(h, "SELECT " + ActionRow.COLUMNS + " FROM action", ActionRow.MAPPER),
        Listing.count(h, "action", l.filter()));
  }

  public boolean update(Handle h, long id, ActionRow a) {
    return h.createUpdate("UPDATE action SET uic = :uic, url = :url, callback = :cb, before_callback_sms = :bsms, "
            + "before_callback_mail = :bmail, after_callback_sms = :asms, after_callback_mail = :amail "
            + "WHERE id = :id")
        .bind("uic", a.uic()).bind("url", a.url()).bind("cb", flag(a.callback()))
        .bind("bsms", flag(a.beforeCallbackSms())).bind("bmail", flag(a.beforeCallbackMail()))
        .bind("asms", flag(a.afterCallbackSms())).bind("amail", flag(a.afterCallbackMail())).bind("id", id)
        .execute() > 0;
  }

  public boolean delete(Handle h, long id) {
    return h.createUpdate("DELETE FROM action WHERE id = :id").bind("id", id).execute() > 0;
  }

  /** Ids of the actions whose {@code uic} lists the team name. */
  public List<Long> idsNamingTeam(Handle h, String team) {
    return list(h).stream()
        .filter(a -> java.util.Arrays.stream(a.uic().split(",")).map(String::trim).anyMatch(team::equals))
        .map(ActionRow::id).toList();
  }
}
