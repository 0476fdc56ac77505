package io.peregrine.hbs.admin;

import io.javalin.http.Context;
import io.peregrine.common.model.Limits;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.Filter;
import io.peregrine.hbs.store.HostRepository;
import io.peregrine.hbs.store.HostRow;
import io.peregrine.hbs.store.Listing;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.Map;
import java.util.Set;
import org.hibernate.validator.constraints.Range;

/**
 * {@code /api/v1/hosts}: the host registry. Heartbeats create and refresh hosts (ip, versions, update time); the
 * API may add a host before its agent runs, rename it, set its ip and maintenance window, and delete it (with its
 * group memberships; a later heartbeat brings it back as a new host).
 */
final class HostsApi extends Resource {
  static final long MAX_SECONDS = Long.MAX_VALUE / 2;

  /** What the API writes of a host; agent and plugin versions and the update time belong to heartbeats. */
  record HostBody(@NotBlank(message = "is required") @Size(max = Limits.MAX_NAME_LENGTH) String hostname,
      @Size(max = 64) String ip, @Range(min = 0, max = MAX_SECONDS) Long maintainBegin,
      @Range(min = 0, max = MAX_SECONDS) Long maintainEnd) {
    static HostBody of(HostRow h) {
      return new HostBody(h.hostname(), h.ip(), h.maintainBegin(), h.maintainEnd());
    }
  }

  record MaintenanceBody(@NotNull(message = "is required") @Range(min = 0, max = MAX_SECONDS) Long begin,
      @NotNull(message = "is required") @Range(min = 0, max = MAX_SECONDS) Long end) {
  }

  private final HostRepository hosts = new HostRepository();

  HostsApi(Database db, Bodies bodies) {
    super(db, bodies);
  }

  @Override
  void routes(Routes r) {
    r.get("/api/v1/hosts", this::list);
    r.post("/api/v1/hosts", ctx -> {
      HostBody b = check(bodies.read(ctx, HostBody.class));
      long id = db.tx(h -> hosts.create(h, b.hostname(), orEmpty(b.ip()), orZero(b.maintainBegin()),
          orZero(b.maintainEnd())));
      created(ctx, db.tx(h -> hosts.find(h, id)).orElseThrow());
    });
    r.get("/api/v1/hosts/{id}", ctx -> ctx.json(find(id(ctx))));
    r.put("/api/v1/hosts/{id}", ctx -> update(ctx, id(ctx), check(bodies.read(ctx, HostBody.class))));
    r.patch("/api/v1/hosts/{id}", ctx -> {
      long id = id(ctx);
      update(ctx, id, check(bodies.patch(ctx, HostBody.of(find(id)), HostBody.class)));
    });
    r.delete("/api/v1/hosts/{id}", ctx -> {
      long id = id(ctx);
      require(db.tx(h -> hosts.delete(h, id)), "host", id);
      ctx.json(deleted(id));
    });
    r.put("/api/v1/hosts/{id}/maintenance", ctx -> {
      long id = id(ctx);
      MaintenanceBody b = bodies.read(ctx, MaintenanceBody.class);
      if (b.end() < b.begin()) {
        throw ApiException.badField("end", "must not be before begin");
      }
      require(db.tx(h -> hosts.setMaintenance(h, id, b.begin(), b.end())), "host", id);
      ctx.json(Map.of("id", id, "maintainBegin", b.begin(), "maintainEnd", b.end()));
    });
  }

  private void list(Context ctx) {
    Filter f = new Filter().prefix("hostname", Lists.textParam(ctx, "hostnamePrefix", Limits.MAX_NAME_LENGTH))
        .eq("ip", Lists.textParam(ctx, "ip", 64))
        .clause("id IN (SELECT host_id FROM grp_host WHERE grp_id = :v)", Lists.longParam(ctx, "groupId"));
    Listing l = Lists.listing(ctx, f, SORTS, "hostname", "id", Set.of("hostnamePrefix", "ip", "groupId"));
    ctx.json(Lists.answer(ctx, l, db.tx(h -> hosts.page(h, l))));
  }

  /** hostname, id or updateAt (the last heartbeat); all indexed. */
  static final Map<String, String> SORTS = Map.of("hostname", "hostname", "id", "id", "updateAt", "update_at");

  private void update(Context ctx, long id, HostBody b) {
    require(db.tx(h -> hosts.update(h, id, b.hostname(), orEmpty(b.ip()), orZero(b.maintainBegin()),
        orZero(b.maintainEnd()))), "host", id);
    ctx.json(find(id));
  }

  private static HostBody check(HostBody b) {
    if (orZero(b.maintainEnd()) < orZero(b.maintainBegin())) {
      throw ApiException.badField("maintainEnd", "must not be before maintainBegin");
    }
    return b;
  }

  private HostRow find(long id) {
    return found(db.tx(h -> hosts.find(h, id)), "host", id);
  }

  private static long id(Context ctx) {
    return id(ctx, "id", "host");
  }

  static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  static long orZero(Long n) {
    return n == null ? 0 : n;
  }
}
