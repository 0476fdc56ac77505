package io.peregrine.hbs.silence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peregrine.hbs.store.Filter;
import io.peregrine.hbs.store.Listing;
import io.peregrine.hbs.store.Page;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** SQL on {@code silence}. The matchers are stored as a JSON array, written only after {@link SilenceRules}. */
public final class SilenceRepository {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<Matcher>> MATCHERS = new TypeReference<>() {};
  public static final String COLUMNS = "id, matchers, starts_at, ends_at, author, comment, created_at, updated_by, "
      + "updated_at";
  public static final RowMapper<SilenceRow> MAPPER = (rs, ctx) -> new SilenceRow(rs.getLong("id"),
      matchers(rs.getString("matchers")), rs.getLong("starts_at"), rs.getLong("ends_at"), rs.getString("author"),
      rs.getString("comment"), rs.getLong("created_at"), rs.getString("updated_by"), rs.getLong("updated_at"));

  public Optional<SilenceRow> find(Handle h, long id) {
    return h.createQuery("SELECT " + COLUMNS + " FROM silence WHERE id = :id").bind("id", id).map(MAPPER)
        .findOne();
  }

  /** One page of silences, filtered by the caller's {@link Filter}. */
  public Page<SilenceRow> page(Handle h, Listing l) {
    return new Page<>(l.rows(h, "SELECT " + COLUMNS + " FROM silence", MAPPER),
        Listing.count(h, "silence", l.filter()));
  }

  public long create(Handle h, SilenceRow s) {
    return h.createUpdate("INSERT INTO silence (matchers, starts_at, ends_at, author, comment, created_at) "
            + "VALUES (:matchers, :startsAt, :endsAt, :author, :comment, :createdAt)")
        .bind("matchers", json(s.matchers())).bind("startsAt", s.startsAt()).bind("endsAt", s.endsAt())
        .bind("author", s.author()).bind("comment", s.comment()).bind("createdAt", s.createdAt())
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
  }

  /**
   * Replaces matchers, window and comment of silence {@code s.id()} and records who edited it and when; false when
   * there is no such silence.
   */
  public boolean edit(Handle h, SilenceRow s) {
    return h.createUpdate("UPDATE silence SET matchers = :matchers, starts_at = :startsAt, ends_at = :endsAt, "
            + "comment = :comment, updated_by = :by, updated_at = :at WHERE id = :id")
        .bind("matchers", json(s.matchers())).bind("startsAt", s.startsAt()).bind("endsAt", s.endsAt())
        .bind("comment", s.comment()).bind("by", s.updatedBy()).bind("at", s.updatedAt()).bind("id", s.id())
        .execute() > 0;
  }

  /** Ends the silence at {@code nowSeconds} when it has not ended yet; false when there is no such silence. */
  public boolean expire(Handle h, long id, long nowSeconds) {
    if (find(h, id).isEmpty()) {
      return false;
    }
    h.createUpdate("UPDATE silence SET ends_at = :now WHERE id = :id AND ends_at > :now").bind("now", nowSeconds)
        .bind("id", id).execute();
    return true;
  }

  /** Silences not yet ended, earliest end first, at most {@code limit}. */
  public List<SilenceRow> live(Handle h, long nowSeconds, int limit) {
    return h.createQuery("SELECT " + COLUMNS + " FROM silence WHERE ends_at > :now ORDER BY ends_at, id LIMIT "
        + limit).bind("now", nowSeconds).map(MAPPER).list();
  }

  public long countLive(Handle h, long nowSeconds) {
    return h.createQuery("SELECT COUNT(*) FROM silence WHERE ends_at > :now").bind("now", nowSeconds)
        .mapTo(Long.class).one();
  }

  static String json(List<Matcher> matchers) {
    try {
      return JSON.writeValueAsString(matchers);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("silence matchers cannot be written as JSON", e);
    }
  }

  static List<Matcher> matchers(String json) {
    try {
      return JSON.readValue(json, MATCHERS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("silence.matchers is not the JSON hbs writes: " + e.getOriginalMessage(), e);
    }
  }
}
