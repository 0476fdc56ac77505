package io.peregrine.hbs.store;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL on {@code tpl}. */
public final class TemplateRepository {
  public List<TemplateRow> list(Handle h) {
    return h.createQuery("SELECT " + TemplateRow.COLUMNS + " FROM tpl ORDER BY id").map(TemplateRow.MAPPER).list();
  }

  public Optional<TemplateRow> find(Handle h, long id) {
    return h.createQuery("SELECT " + TemplateRow.COLUMNS + " FROM tpl WHERE id = :id").bind("id", id)
        .map(TemplateRow.MAPPER).findOne();
  }

  public Optional<TemplateRow> findByName(Handle h, String name) {
    return h.createQuery("SELECT " + TemplateRow.COLUMNS + " FROM tpl WHERE tpl_name = :name").bind("name", name)
        .map(TemplateRow.MAPPER).findOne();
  }

  public long create(Handle h, String name, long parentId, long actionId, String createUser) {
    return h.createUpdate("INSERT INTO tpl (tpl_name, parent_id, action_id, create_user) "
            + "VALUES (:name, :parent, :action, :user)")
        .bind("name", name).bind("parent", parentId).bind("action", actionId).bind("user", createUser)
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
  }

  public Page<TemplateRow> page(Handle h, Listing l) {
    return new Page<>(l.rows(h, "SELECT " + TemplateRow.COLUMNS + " FROM tpl", TemplateRow.MAPPER),
        Listing.count(h, "tpl", l.filter()));
  }

  public boolean update(Handle h, long id, String name, long parentId, long actionId, String createUser) {
    return h.createUpdate("UPDATE tpl SET tpl_name = :name, parent_id = :parent, action_id = :action, "
            + "create_user = :user WHERE id = :id")
        .bind("name", name).bind("parent", parentId).bind("action", actionId).bind("user", createUser)
        .bind("id", id).execute() > 0;
  }

  /** Deletes the template and its strategies; the caller has checked that nothing refers to it. */
  public boolean delete(Handle h, long id) {
    h.createUpdate("DELETE FROM strategy WHERE tpl_id = :id").bind("id", id).execute();
    return h.createUpdate("DELETE FROM tpl WHERE id = :id").bind("id", id).execute() > 0;
  }

  /** Names of the templates whose parent is {@code id}, sorted. */
  public List<String> childNames(Handle h, long id) {
    return h.createQuery("SELECT tpl_name FROM tpl WHERE parent_id = :id ORDER BY tpl_name").bind("id", id)
        .mapTo(String.class).list();
  }

  /** Names of the templates that name the action, sorted. */
  public List<String> namesUsingAction(Handle h, long actionId) {
    return h.createQuery("SELECT tpl_name FROM tpl WHERE action_id = :a ORDER BY tpl_name").bind("a", actionId)
        .mapTo(String.class).list();
  }

  /** True when {@code candidate} is {@code id} or one of its descendants (making it the parent would loop). */
  public boolean isSelfOrDescendant(Handle h, long id, long candidate) {
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (long t = candidate; t != 0 && seen.add(t); ) {
      if (t == id) {
        return true;
      }
      t = find(h, t).map(TemplateRow::parentId).orElse(0L);
    }
    return false;
  }
}
