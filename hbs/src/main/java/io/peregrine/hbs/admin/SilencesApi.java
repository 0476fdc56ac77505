package io.peregrine.hbs.admin;

import io.javalin.http.Context;
import io.peregrine.hbs.silence.Matcher;
import io.peregrine.hbs.silence.SilenceRepository;
import io.peregrine.hbs.silence.SilenceRow;
import io.peregrine.hbs.silence.SilenceRules;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.Filter;
import io.peregrine.hbs.store.Listing;
import jakarta.validation.constraints.NotNull;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v1/silences}: silences the sender honours (docs/ALERTING.md). Reading needs {@code read} (viewer),
 * creating, editing and expiring {@code write} (editor or admin), as every admin route ({@link Access}); every write
 * lands in the audit log. The author is the caller's user, never taken from the body. {@code PUT} edits a silence
 * not yet ended in place (matchers, end and comment; the start only while it is pending), under the same rules as a
 * new one; the author stays and the editor is recorded ({@code updatedBy}, {@code updatedAt}). {@code DELETE} expires the silence
 * (its end becomes now) and keeps the row, so what was silenced stays visible. At most
 * {@value SilenceRules#MAX_LIVE_SILENCES} silences may be pending or active at once (409 beyond).
 */
final class SilencesApi extends Resource {
  /** What a client sends; times are unix seconds, {@code startsAt} defaults to now. */
  record SilenceBody(List<Matcher> matchers, Long startsAt, @NotNull(message = "is required") Long endsAt,
      String comment) {
  }

  /** What a client reads: the row and its state now. */
  record SilenceView(long id, List<Matcher> matchers, long startsAt, long endsAt, String author, String comment,
      long createdAt, String state, String updatedBy, long updatedAt) {
    static SilenceView of(SilenceRow s, long now) {
      return new SilenceView(s.id(), s.matchers(), s.startsAt(), s.endsAt(), s.author(), s.comment(), s.createdAt(),
          s.state(now), s.updatedBy(), s.updatedAt());
    }
  }

  private final SilenceRepository silences = new SilenceRepository();
  private final Clock clock;

  SilencesApi(Database db, Bodies bodies, Clock clock) {
    super(db, bodies);
    this.clock = clock;
  }

  @Override
  void routes(Routes r) {
    r.get("/api/v1/silences", ctx -> {
      long now = now();
      Filter f = stateFilter(Lists.textParam(ctx, "state", 16), now);
      Listing l = Lists.listing(ctx, f, Map.of("id", "id", "endsAt", "ends_at"), "id", "id", Set.of("state"));
      ctx.json(Lists.answer(ctx, l, db.tx(h -> silences.page(h, l))).stream().map(s -> SilenceView.of(s, now))
          .toList());
    });
    r.post("/api/v1/silences", ctx -> {
      SilenceBody body = bodies.read(ctx, SilenceBody.class);
      long now = now();
      long startsAt = body.startsAt() == null ? now : body.startsAt();
      check(body, startsAt);
      SilenceRow row = new SilenceRow(0, body.matchers(), startsAt, body.endsAt(), Access.principal(ctx).user(),
          body.comment() == null ? "" : body.comment(), now);
      long id = db.tx(h -> {
        if (silences.countLive(h, now) >= SilenceRules.MAX_LIVE_SILENCES) {
          throw ApiException.conflict(SilenceRules.MAX_LIVE_SILENCES + " silences are pending or active already; "
              + "expire some first (DELETE /api/v1/silences/{id})");
        }
        return silences.create(h, row);
      });
      created(ctx, view(id));
    });
    r.get("/api/v1/silences/{id}", ctx -> ctx.json(view(id(ctx))));
    r.put("/api/v1/silences/{id}", ctx -> {
      long id = id(ctx);
      SilenceBody body = bodies.read(ctx, SilenceBody.class);
      long now = now();
      db.tx(h -> {
        SilenceRow cur = found(silences.find(h, id), "silence", id);
        if (cur.endsAt() <= now) {
          throw ApiException.conflict("silence " + id + " has expired (at " + cur.endsAt() + "); create a new one");
        }
        long startsAt = body.startsAt() == null ? cur.startsAt() : body.startsAt();
        if (startsAt != cur.startsAt() && cur.startsAt() <= now) {
          throw ApiException.badField("startsAt", "field 'startsAt' cannot change once the silence is active "
              + "(it started at " + cur.startsAt() + "); leave it out or send the same value");
        }
        check(body, startsAt);
        return silences.edit(h, new SilenceRow(id, body.matchers(), startsAt, body.endsAt(), cur.author(),
            body.comment() == null ? "" : body.comment(), cur.createdAt(), Access.principal(ctx).user(), now));
      });
      ctx.json(view(id));
    });
    r.delete("/api/v1/silences/{id}", ctx -> {
      long id = id(ctx);
      require(db.tx(h -> silences.expire(h, id, now())), "silence", id);
      ctx.json(view(id));
    });
  }

  /** The rules of a new silence; an edit is held to the same. */
  private static void check(SilenceBody body, long startsAt) {
    List<ApiException.FieldError> errors = new ArrayList<>();
    for (SilenceRules.Problem p : SilenceRules.check(body.matchers())) {
      errors.add(new ApiException.FieldError(p.field(), "field '" + p.field() + "' " + p.message()));
    }
    for (SilenceRules.Problem p : SilenceRules.checkWindow(startsAt, body.endsAt(), body.comment())) {
      errors.add(new ApiException.FieldError(p.field(), "field '" + p.field() + "' " + p.message()));
    }
    if (!errors.isEmpty()) {
      throw ApiException.badFields(errors);
    }
  }

  private static Filter stateFilter(String state, long now) {
    Filter f = new Filter();
    if (state == null) {
      return f;
    }
    return switch (state) {
      case "active" -> f.clause("starts_at <= :v", now).clause("ends_at > :v", now);
      case "pending" -> f.clause("starts_at > :v", now);
      case "expired" -> f.clause("ends_at <= :v", now);
      case "live" -> f.clause("ends_at > :v", now);
      default -> throw ApiException.badField("state", "(query parameter) must be active, pending, expired or live, "
          + "got '" + state + "'");
    };
  }

  private SilenceView view(long id) {
    return SilenceView.of(found(db.tx(h -> silences.find(h, id)), "silence", id), now());
  }

  private long now() {
    return clock.millis() / 1000;
  }

  private static long id(Context ctx) {
    return id(ctx, "id", "silence");
  }
}
