package io.peregrine.hbs.store;

import io.peregrine.hbs.oncall.ScheduleOverride;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** SQL on {@code schedule}, {@code schedule_member} and {@code schedule_override} (on-call schedules). */
public final class ScheduleRepository {
  private static final String SELECT = "SELECT id, name, time_zone, handover_day, handover_minute, starts_on, "
      + "description FROM schedule";
  private static final RowMapper<ScheduleRow> MAPPER = (rs, ctx) -> new ScheduleRow(rs.getLong("id"),
      rs.getString("name"), rs.getString("time_zone"), rs.getInt("handover_day"), rs.getInt("handover_minute"),
      rs.getString("starts_on"), rs.getString("description"), List.of());
  private static final String OVERRIDE_COLUMNS = "id, schedule_id, user_name, starts_at, ends_at, author, comment, "
      + "created_at";
  private static final RowMapper<ScheduleOverride> OVERRIDE = (rs, ctx) -> new ScheduleOverride(rs.getLong("id"),
      rs.getLong("schedule_id"), rs.getString("user_name"), rs.getLong("starts_at"), rs.getLong("ends_at"),
      rs.getString("author"), rs.getString("comment"), rs.getLong("created_at"));

  private final String userTable;

  public ScheduleRepository(String userTable) {
    this.userTable = userTable;
  }

  public Page<ScheduleRow> page(Handle h, Listing l) {
    return new Page<>(withUsers(h, l.rows(h, SELECT, MAPPER)), Listing.count(h, "schedule", l.filter()));
  }

  public Optional<ScheduleRow> find(Handle h, long id) {
    return withUsers(h, h.createQuery(SELECT + " WHERE id = :id").bind("id", id).map(MAPPER).list()).stream()
        .findFirst();
  }

  public Optional<ScheduleRow> findByName(Handle h, String name) {
    return withUsers(h, h.createQuery(SELECT + " WHERE name = :n").bind("n", name).map(MAPPER).list()).stream()
        .findFirst();
  }

  /** The schedules of these names (unknown names are absent from the map). */
  public Map<String, ScheduleRow> byNames(Handle h, List<String> names) {
    Map<String, ScheduleRow> out = new LinkedHashMap<>();
    if (!names.isEmpty()) {
      withUsers(h, h.createQuery(SELECT + " WHERE name IN (<n>)").bindList("n", names).map(MAPPER).list())
          .forEach(s -> out.put(s.name(), s));
    }
    return out;
  }

  public long count(Handle h) {
    return h.createQuery("SELECT COUNT(*) FROM schedule").mapTo(Long.class).one();
  }

  public long create(Handle h, ScheduleRow s) {
    long id = h.createUpdate("INSERT INTO schedule (name, time_zone, handover_day, handover_minute, starts_on, "
            + "description) VALUES (:name, :zone, :day, :minute, :startsOn, :description)")
        .bind("name", s.name()).bind("zone", s.timeZone()).bind("day", s.handoverDay())
        .bind("minute", s.handoverMinute()).bind("startsOn", s.startsOn()).bind("description", s.description())
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    writeUsers(h, id, s.users());
    return id;
  }

  /** Replaces everything but the id (the rotation's users too); the overrides stay. */
  public boolean update(Handle h, long id, ScheduleRow s) {
    int n = h.createUpdate("UPDATE schedule SET name = :name, time_zone = :zone, handover_day = :day, "
            + "handover_minute = :minute, starts_on = :startsOn, description = :description WHERE id = :id")
        .bind("name", s.name()).bind("zone", s.timeZone()).bind("day", s.handoverDay())
        .bind("minute", s.handoverMinute()).bind("startsOn", s.startsOn()).bind("description", s.description())
        .bind("id", id).execute();
    if (n == 0) {
      return false;
    }
    h.createUpdate("DELETE FROM schedule_member WHERE schedule_id = :id").bind("id", id).execute();
    writeUsers(h, id, s.users());
    return true;
  }

  /** Deletes the schedule, its users and its overrides. */
  public boolean delete(Handle h, long id) {
    h.createUpdate("DELETE FROM schedule_member WHERE schedule_id = :id").bind("id", id).execute();
    h.createUpdate("DELETE FROM schedule_override WHERE schedule_id = :id").bind("id", id).execute();
    return h.createUpdate("DELETE FROM schedule WHERE id = :id").bind("id", id).execute() > 0;
  }

  private void writeUsers(Handle h, long id, List<String> users) {
    if (users.isEmpty()) {
      return;
    }
    var batch = h.prepareBatch("INSERT INTO schedule_member (schedule_id, seq, user_name) VALUES (:s, :p, :u)");
    for (int i = 0; i < users.size(); i++) {
      batch.bind("s", id).bind("p", i).bind("u", users.get(i)).add();
    }
    batch.execute();
  }

  private List<ScheduleRow> withUsers(Handle h, List<ScheduleRow> rows) {
    if (rows.isEmpty()) {
      return List.of();
    }
    Map<Long, List<String>> users = new LinkedHashMap<>();
    rows.forEach(s -> users.put(s.id(), new ArrayList<>()));
    h.createQuery("SELECT schedule_id, user_name FROM schedule_member WHERE schedule_id IN (<ids>) "
            + "ORDER BY schedule_id, seq")
        .bindList("ids", List.copyOf(users.keySet()))
        .map((rs, ctx) -> Map.entry(rs.getLong("schedule_id"), rs.getString("user_name")))
        .forEach(e -> users.get(e.getKey()).add(e.getValue()));
    return rows.stream().map(s -> s.withUsers(users.get(s.id()))).toList();
  }

  /** The names among {@code names} that are users, in any order. */
  public List<String> knownUsers(Handle h, List<String> names) {
    if (names.isEmpty()) {
      return List.of();
    }
    return h.createQuery("SELECT name FROM " + userTable + " WHERE name IN (<n>)").bindList("n", names)
        .mapTo(String.class).list();
  }

  /** The users of these names, by name. */
  public Map<String, UserRow> users(Handle h, List<String> names) {
    Map<String, UserRow> out = new LinkedHashMap<>();
    if (!names.isEmpty()) {
      h.createQuery("SELECT " + UserRow.COLUMNS + " FROM " + userTable + " u WHERE u.name IN (<n>)")
          .bindList("n", names).map(UserRow.MAPPER).forEach(u -> out.put(u.name(), u));
    }
    return out;
  }

  public long createOverride(Handle h, ScheduleOverride o) {
    return h.createUpdate("INSERT INTO schedule_override (schedule_id, user_name, starts_at, ends_at, author, "
            + "comment, created_at) VALUES (:s, :u, :from, :until, :author, :comment, :at)")
        .bind("s", o.scheduleId()).bind("u", o.user()).bind("from", o.startsAt()).bind("until", o.endsAt())
        .bind("author", o.author()).bind("comment", o.comment()).bind("at", o.createdAt())
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
  }

  public boolean deleteOverride(Handle h, long scheduleId, long overrideId) {
    return h.createUpdate("DELETE FROM schedule_override WHERE id = :id AND schedule_id = :s")
        .bind("id", overrideId).bind("s", scheduleId).execute() > 0;
  }

  /** The schedule's overrides that end after {@code afterSeconds}, oldest first, at most {@code limit}. */
  public List<ScheduleOverride> overrides(Handle h, long scheduleId, long afterSeconds, int limit) {
    return h.createQuery("SELECT " + OVERRIDE_COLUMNS + " FROM schedule_override WHERE schedule_id = :s "
            + "AND ends_at > :t ORDER BY id LIMIT " + limit)
        .bind("s", scheduleId).bind("t", afterSeconds).map(OVERRIDE).list();
  }

  public long countLiveOverrides(Handle h, long scheduleId, long nowSeconds) {
    return h.createQuery("SELECT COUNT(*) FROM schedule_override WHERE schedule_id = :s AND ends_at > :t")
        .bind("s", scheduleId).bind("t", nowSeconds).mapTo(Long.class).one();
  }
}
