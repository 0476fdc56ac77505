package io.peregrine.hbs.admin;

import io.javalin.http.Context;
import io.peregrine.common.model.Limits;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.HostOverviewRepository;
import io.peregrine.hbs.store.HostRow;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /api/v1/host-overview}: a page of hosts as the console's Hosts page shows them: heartbeat age, agent
 * version, IP, groups, maintenance and whether the agent is lost (no heartbeat for {@code lostAfter} seconds).
 * Parameters: {@code q} (substring of name or IP), {@code lost=true} (only lost hosts), {@code sort}
 * ({@code hostname} or {@code heartbeat}, oldest first), {@code limit} 1..{@value #MAX_LIMIT} (default
 * {@value #DEFAULT_LIMIT}), {@code offset}, {@code lostAfter} {@value #MIN_LOST_AFTER}..{@value #MAX_LOST_AFTER} s
 * (default {@value #DEFAULT_LOST_AFTER}).
 */
final class HostOverviewApi extends Resource {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;
  /** Agents heartbeat every 60 s by default: three missed beats is lost, one late beat is not. */
  static final long DEFAULT_LOST_AFTER = 180;
  static final long MIN_LOST_AFTER = 10;
  static final long MAX_LOST_AFTER = 30L * 86400;
  private static final Set<String> PARAMS = Set.of("q", "lost", "sort", "limit", "offset", "lostAfter");

  private final HostOverviewRepository repo = new HostOverviewRepository();
  private final Clock clock;

  HostOverviewApi(Database db, Bodies bodies, Clock clock) {
    super(db, bodies);
    this.clock = clock;
  }

  @Override
  void routes(Routes r) {
    r.get("/api/v1/host-overview", this::list);
  }

  private void list(Context ctx) {
    for (String name : ctx.queryParamMap().keySet()) {
      if (!PARAMS.contains(name)) {
        throw ApiException.badField(name, "is not a query parameter of host-overview (it takes "
            + String.join(", ", PARAMS.stream().sorted().toList()) + ")");
      }
    }
    String q = Lists.textParam(ctx, "q", Limits.MAX_NAME_LENGTH);
    String sort = ctx.queryParam("sort") == null ? "hostname" : ctx.queryParam("sort");
    if (!sort.equals("hostname") && !sort.equals("heartbeat")) {
      throw ApiException.badField("sort", "must be hostname or heartbeat, got '" + sort + "'");
    }
    String lost = ctx.queryParam("lost");
    if (lost != null && !lost.equals("true") && !lost.equals("false")) {
      throw ApiException.badField("lost", "must be true or false, got '" + lost + "'");
    }
    int limit = (int) Lists.longParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    long offset = Lists.longParam(ctx, "offset", 0, 0, Long.MAX_VALUE / 2);
    long lostAfter = Lists.longParam(ctx, "lostAfter", DEFAULT_LOST_AFTER, MIN_LOST_AFTER, MAX_LOST_AFTER);
    long now = clock.instant().getEpochSecond();
    Instant cutoff = Instant.ofEpochSecond(now - lostAfter);
    var result = db.tx(h -> repo.page(h, q == null ? "" : q.trim(), "true".equals(lost) ? cutoff : null,
        sort.equals("heartbeat"), limit, offset));
    List<Map<String, Object>> hosts = new ArrayList<>();
    for (var e : result.entries()) {
      HostRow r = e.host();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", r.id());
      m.put("hostname", r.hostname());
      m.put("ip", r.ip());
      m.put("agentVersion", r.agentVersion());
      m.put("pluginVersion", r.pluginVersion());
      m.put("updateAt", r.updateAt());
      m.put("heartbeatAgeSeconds", r.updateAt() == 0 ? null : Math.max(0, now - r.updateAt()));
      m.put("lost", r.updateAt() == 0 || r.updateAt() < now - lostAfter);
      m.put("maintainBegin", r.maintainBegin());
      m.put("maintainEnd", r.maintainEnd());
      m.put("inMaintenance", r.inMaintenance(now));
      m.put("groups", e.groups());
      hosts.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("now", now);
    out.put("lostAfterSeconds", lostAfter);
    out.put("total", result.total());
    out.put("offset", offset);
    out.put("limit", limit);
    out.put("hosts", hosts);
    ctx.json(out);
  }
}
