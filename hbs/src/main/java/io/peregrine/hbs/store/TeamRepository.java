package io.peregrine.hbs.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL on Open-Falcon's uic tables: {@code team}, {@code user} (quoted per database), {@code rel_team_user}. */
public final class TeamRepository {
  private final String userTable;

  public TeamRepository(String userTable) {
    this.userTable = userTable;
  }

  private static final String SELECT = "SELECT id, name, resume FROM team";
  private static final org.jdbi.v3.core.mapper.RowMapper<TeamRow> MAPPER = (rs, ctx) -> new TeamRow(rs.getLong("id"),
      rs.getString("name"), rs.getString("resume"), new ArrayList<>());

  public Page<TeamRow> page(Handle h, Listing l) {
    return new Page<>(withUsers(h, l.rows(h, SELECT, MAPPER)), Listing.count(h, "team", l.filter()));
  }

  public Optional<TeamRow> find(Handle h, long id) {
    return withUsers(h, h.createQuery(SELECT + " WHERE id = :id").bind("id", id).map(MAPPER).list()).stream()
        .findFirst();
  }

  public boolean update(Handle h, long id, String name, String resume) {
    return h.createUpdate("UPDATE team SET name = :name, resume = :resume WHERE id = :id")
        .bind("name", name).bind("resume", resume).bind("id", id).execute() > 0;
  }

  /** Deletes the team and its memberships (the users stay). */
  public boolean delete(Handle h, long id) {
    removeMembers(h, id);
    return h.createUpdate("DELETE FROM team WHERE id = :id").bind("id", id).execute() > 0;
  }

  public void removeMembers(Handle h, long teamId) {
    h.createUpdate("DELETE FROM rel_team_user WHERE tid = :t").bind("t", teamId).execute();
  }

  public boolean removeMember(Handle h, long teamId, long userId) {
    return h.createUpdate("DELETE FROM rel_team_user WHERE tid = :t AND uid = :u").bind("t", teamId)
        .bind("u", userId).execute() > 0;
  }

  private List<TeamRow> withUsers(Handle h, List<TeamRow> page) {
    if (page.isEmpty()) {
      return List.of();
    }
    Map<Long, TeamRow> teams = new LinkedHashMap<>();
    page.forEach(t -> teams.put(t.id(), t));
    h.createQuery("SELECT r.tid, " + UserRow.COLUMNS + " FROM rel_team_user r JOIN " + userTable
            + " u ON u.id = r.uid WHERE r.tid IN (<ids>) ORDER BY u.name")
        .bindList("ids", List.copyOf(teams.keySet()))
        .map((rs, ctx) -> Map.entry(rs.getLong("tid"), UserRow.MAPPER.map(rs, ctx)))
        .forEach(e -> teams.get(e.getKey()).users().add(e.getValue()));
    return List.copyOf(teams.values());
  }

  public Optional<Long> idOf(Handle h, String name) {
    return h.createQuery("SELECT id FROM team WHERE name = :name").bind("name", name).mapTo(Long.class).findOne();
  }

  public long create(Handle h, String name, String resume) {
    return h.createUpdate("INSERT INTO team (name, resume) VALUES (:name, :resume)")
        .bind("name", name).bind("resume", resume)
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
  }

  /** Inserts the user, or updates the contact details of the user of that name; returns the id. */
  public long upsertUser(Handle h, UserRow u) {
    Optional<Long> id = h.createQuery("SELECT id FROM " + userTable + " WHERE name = :name")
        .bind("name", u.name()).mapTo(Long.class).findOne();
    if (id.isPresent()) {
      h.createUpdate("UPDATE " + userTable + " SET cnname = :cnname, email = :email, phone = :phone, im = :im "
              + "WHERE id = :id")
          .bind("cnname", u.cnname()).bind("email", u.email()).bind("phone", u.phone()).bind("im", u.im())
          .bind("id", id.get()).execute();
      return id.get();
    }
    return h.createUpdate("INSERT INTO " + userTable + " (name, cnname, email, phone, im) "
            + "VALUES (:name, :cnname, :email, :phone, :im)")
        .bind("name", u.name()).bind("cnname", u.cnname()).bind("email", u.email()).bind("phone", u.phone())
        .bind("im", u.im())
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
  }

  public void addMember(Handle h, long teamId, long userId) {
    long n = h.createQuery("SELECT COUNT(*) FROM rel_team_user WHERE tid = :t AND uid = :u")
        .bind("t", teamId).bind("u", userId).mapTo(Long.class).one();
    if (n == 0) {
      h.createUpdate("INSERT INTO rel_team_user (tid, uid) VALUES (:t, :u)").bind("t", teamId).bind("u", userId)
          .execute();
    }
  }

  /** The users of the named teams, each once, sorted by name; unknown team names are ignored. */
  public List<UserRow> usersOfTeams(Handle h, List<String> teamNames) {
    if (teamNames.isEmpty()) {
      return List.of();
    }
    return h.createQuery("SELECT DISTINCT " + UserRow.COLUMNS + " FROM " + userTable + " u "
            + "JOIN rel_team_user r ON r.uid = u.id JOIN team t ON t.id = r.tid "
            + "WHERE t.name IN (<names>) ORDER BY u.name")
        .bindList("names", teamNames).map(UserRow.MAPPER).list();
  }
}
