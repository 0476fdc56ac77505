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
}
