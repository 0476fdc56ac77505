package io.peregrine.hbs.store;

import io.peregrine.hbs.auth.Role;
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

  /** Deletes the user, their team memberships and their tokens. */
  public boolean delete(Handle h, long id) {
    h.createUpdate("DELETE FROM rel_team_user WHERE uid = :id").bind("id", id).execute();
    h.createUpdate("DELETE FROM api_token WHERE uid = :id").bind("id", id).execute();
    return h.createUpdate("DELETE FROM " + userTable + " WHERE id = :id").bind("id", id).execute() > 0;
  }

  public Page<AccountRow> accounts(Handle h, Listing l) {
    return new Page<>(l.rows(h, "SELECT " + AccountRow.COLUMNS + " FROM " + userTable + " u", AccountRow.MAPPER),
        Listing.count(h, userTable + " u", l.filter()));
  }

  public Optional<AccountRow> account(Handle h, long id) {
    return h.createQuery("SELECT " + AccountRow.COLUMNS + " FROM " + userTable + " u WHERE u.id = :id")
        .bind("id", id).map(AccountRow.MAPPER).findOne();
  }

  public Optional<Role> role(Handle h, long id) {
    return h.createQuery("SELECT role FROM " + userTable + " WHERE id = :id").bind("id", id).mapTo(Integer.class)
        .findOne().map(Role::of);
  }

  public void setRole(Handle h, long id, Role role) {
    h.createUpdate("UPDATE " + userTable + " SET role = :role WHERE id = :id").bind("role", role.code())
        .bind("id", id).execute();
  }

  /** The user's BCrypt hash; empty when the user is unknown or has no password. */
  public Optional<String> passwordHash(Handle h, long id) {
    return h.createQuery("SELECT passwd FROM " + userTable + " WHERE id = :id").bind("id", id)
        .mapTo(String.class).findOne();
  }

  /** Admins who can sign in (a password or a token), other than {@code exceptId}. */
  public long otherAdmins(Handle h, long exceptId) {
    return h.createQuery("SELECT COUNT(*) FROM " + userTable + " u WHERE u.role = :role AND u.id <> :id "
            + "AND (u.passwd IS NOT NULL OR EXISTS (SELECT 1 FROM api_token t WHERE t.uid = u.id))")
        .bind("role", Role.ADMIN.code()).bind("id", exceptId).mapTo(Long.class).one();
  }

  /**
   * True for a user who signs in (a password, a token or a role above viewer): an import leaves them alone, so a
   * file without them cannot lock everyone out.
   */
  public boolean isAccount(Handle h, long id) {
    return h.createQuery("SELECT COUNT(*) FROM " + userTable + " u WHERE u.id = :id AND (u.role > 0 OR "
            + "u.passwd IS NOT NULL OR EXISTS (SELECT 1 FROM api_token t WHERE t.uid = u.id))")
        .bind("id", id).mapTo(Long.class).one() > 0;
  }
}
