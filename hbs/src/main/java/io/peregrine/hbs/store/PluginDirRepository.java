package io.peregrine.hbs.store;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL on {@code plugin_dir} by its own id (adding one goes through {@link GroupRepository#addPluginDir}). */
public final class PluginDirRepository {
  public Page<PluginDirRow> page(Handle h, Listing l) {
    return new Page<>(l.rows(h, "SELECT " + PluginDirRow.COLUMNS + " FROM plugin_dir", PluginDirRow.MAPPER),
        Listing.count(h, "plugin_dir", l.filter()));
  }

  public Optional<PluginDirRow> find(Handle h, long id) {
    return h.createQuery("SELECT " + PluginDirRow.COLUMNS + " FROM plugin_dir WHERE id = :id").bind("id", id)
        .map(PluginDirRow.MAPPER).findOne();
  }

  public boolean update(Handle h, long id, long groupId, String dir, String createUser) {
    return h.createUpdate("UPDATE plugin_dir SET grp_id = :g, dir = :dir, create_user = :u WHERE id = :id")
        .bind("g", groupId).bind("dir", dir).bind("u", createUser).bind("id", id).execute() > 0;
  }

  public boolean delete(Handle h, long id) {
    return h.createUpdate("DELETE FROM plugin_dir WHERE id = :id").bind("id", id).execute() > 0;
  }
}
