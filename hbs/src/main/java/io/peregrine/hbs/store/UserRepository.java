package io.peregrine.hbs.store;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL on Open-Falcon's {@code user} table (quoted per database) by id; teams add users by name elsewhere. */
public final class UserRepository {
  private final String userTable;

  public UserRepository(String userTable) {
    this.userTable = userTable;
  }

  public Page<UserRow> page(Handle h, Listing l) {
    return new Page<>(l.rows(h, "SELECT " + UserRow.COLUMNS + " FROM " + userTable + " u", UserRow.MAPPER),
        Listing.count(h, userTable + " u", l.filter()));
  }

  public Optional<UserRow> find(Handle h, long id) {
    return h.createQuery("SELECT " + UserRow.COLUMNS + " FROM " + userTable + " u WHERE u.id = :id").bind("id", id)
        .map(UserRow.MAPPER).findOne();
  }

  public long create(Handle h, UserRow u) {
    return h.createUpdate("INSERT INTO " + userTable + " (name, cnname, email, phone, im) "
            + "VALUES (:name, :cnname, :email, :phone, :im)")
        .bind("name", u.name()).bind("cnname", u.cnname()).bind("email", u.email()).bind("phone", u.phone())
        .bind("im", u.im())
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
  }

  public boolean update(Handle h, long id, UserRow u) {
    return h.createUpdate("UPDATE " + userTable + " SET name = :name, cnname = :cnname, email = :email, "
            + "phone = :phone, im = :im WHERE id = :id")
        .bind("name", u.name()).bind("cnname", u.cnname()).bind("email", u.email()).bind("phone", u.phone())
        .bind("im", u.im()).bind("id", id).execute() > 0;
  }

  /** Deletes the user and their team memberships. */
  public boolean delete(Handle h, long id) {
    h.createUpdate("DELETE FROM rel_team_user WHERE uid = :id").bind("id", id).execute();
    return h.createUpdate("DELETE FROM " + userTable + " WHERE id = :id").bind("id", id).execute() > 0;
  }
}
