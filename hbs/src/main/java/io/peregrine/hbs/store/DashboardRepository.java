package io.peregrine.hbs.store;

import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** SQL on {@code dashboard} (V28): the console's saved sets of graphs; {@code graphs} is kept as JSON text. */
public final class DashboardRepository {
  /** A dashboard row; {@code graphs} is the JSON array as stored. */
  public record Row(long id, String name, String description, String graphs, String updatedBy, long updatedAt) {
  }

  static final String COLUMNS = "id, name, description, graphs, updated_by, updated_at";
  static final RowMapper<Row> MAPPER = (rs, ctx) -> new Row(rs.getLong("id"), rs.getString("name"),
      rs.getString("description"), rs.getString("graphs"), rs.getString("updated_by"), rs.getLong("updated_at"));

  public Page<Row> page(Handle h, Listing l) {
    return new Page<>(l.rows(h, "SELECT " + COLUMNS + " FROM dashboard", MAPPER),
        Listing.count(h, "dashboard", l.filter()));
  }

  public Optional<Row> find(Handle h, long id) {
    return h.createQuery("SELECT " + COLUMNS + " FROM dashboard WHERE id = :id").bind("id", id).map(MAPPER)
        .findOne();
  }

  public Optional<Long> idOf(Handle h, String name) {
    return h.createQuery("SELECT id FROM dashboard WHERE name = :name").bind("name", name).mapTo(Long.class)
        .findOne();
  }

  public long create(Handle h, Row r) {
    return h.createUpdate("INSERT INTO dashboard (name, description, graphs, updated_by, updated_at) "
            + "VALUES (:name, :description, :graphs, :by, :at)")
        .bind("name", r.name()).bind("description", r.description()).bind("graphs", r.graphs())
        .bind("by", r.updatedBy()).bind("at", r.updatedAt())
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
  }

  public boolean update(Handle h, long id, Row r) {
    return h.createUpdate("UPDATE dashboard SET name = :name, description = :description, graphs = :graphs, "
            + "updated_by = :by, updated_at = :at WHERE id = :id")
        .bind("name", r.name()).bind("description", r.description()).bind("graphs", r.graphs())
        .bind("by", r.updatedBy()).bind("at", r.updatedAt()).bind("id", id).execute() > 0;
  }

  public boolean delete(Handle h, long id) {
    return h.createUpdate("DELETE FROM dashboard WHERE id = :id").bind("id", id).execute() > 0;
  }
}
