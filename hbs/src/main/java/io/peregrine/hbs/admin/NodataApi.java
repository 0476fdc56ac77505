package io.peregrine.hbs.admin;

import io.javalin.http.Context;
import io.peregrine.common.model.Limits;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.Filter;
import io.peregrine.hbs.store.Listing;
import io.peregrine.hbs.store.MockcfgRepository;
import io.peregrine.hbs.store.MockcfgRow;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;
import java.util.Set;
import org.hibernate.validator.constraints.Range;

/**
 * {@code /api/v1/nodata}: nodata configs (Open-Falcon's {@code mockcfg}): for the series {@code metric}/{@code tags}
 * of the endpoints {@code obj} names ({@code objType} host: hostnames, group: group names, other: endpoint names;
 * comma or newline separated), inject {@code mock} when the series is silent. Names are unique (409). Group and
 * host names in {@code obj} are text: renaming or deleting a group does not change them.
 */
final class NodataApi extends Resource {
  record NodataBody(@NotBlank(message = "is required") @Size(max = 255) String name,
      @NotBlank(message = "is required") @Size(max = 10240) String obj,
      @NotNull(message = "is required") @Pattern(regexp = "host|group|other", message = "must be host, group or other")
      String objType,
      @NotBlank(message = "is required") @Size(max = Limits.MAX_NAME_LENGTH) String metric,
      @Size(max = 1024) String tags,
      @Pattern(regexp = "GAUGE|COUNTER|DERIVE", message = "must be GAUGE, COUNTER or DERIVE") String dstype,
      @Range(min = 1, max = 86_400) Integer step, @NotNull(message = "is required") Double mock) {
    static NodataBody of(MockcfgRow m) {
      return new NodataBody(m.name(), m.obj(), m.objType(), m.metric(), m.tags(), m.dstype(), m.step(), m.mock());
    }

    MockcfgRow row() {
      String m = StrategyRules.metric("metric", metric);
      if (!Double.isFinite(mock)) {
        throw ApiException.badField("mock", "must be a finite number");
      }
      return new MockcfgRow(0, name, obj, objType, m, StrategyRules.tags("tags", tags, m),
          dstype == null ? "GAUGE" : dstype, step == null ? 60 : step, mock);
    }
  }

  private final MockcfgRepository mocks = new MockcfgRepository();

  NodataApi(Database db, Bodies bodies) {
    super(db, bodies);
  }

  @Override
  void routes(Routes r) {
    r.get("/api/v1/nodata", ctx -> {
      Filter f = new Filter().prefix("name", Lists.textParam(ctx, "namePrefix", 255));
      Listing l = Lists.listing(ctx, f, Map.of("name", "name", "id", "id"), "name", "id", Set.of("namePrefix"));
      ctx.json(Lists.answer(ctx, l, db.tx(h -> mocks.page(h, l))));
    });
    r.post("/api/v1/nodata", ctx -> {
      MockcfgRow m = bodies.read(ctx, NodataBody.class).row();
      long id = db.tx(h -> mocks.create(h, m, ""));
      created(ctx, find(id));
    });
    r.get("/api/v1/nodata/{id}", ctx -> ctx.json(find(id(ctx))));
    r.put("/api/v1/nodata/{id}", ctx -> update(ctx, id(ctx), bodies.read(ctx, NodataBody.class).row()));
    r.patch("/api/v1/nodata/{id}", ctx -> {
      long id = id(ctx);
      update(ctx, id, bodies.patch(ctx, NodataBody.of(find(id)), NodataBody.class).row());
    });
    r.delete("/api/v1/nodata/{id}", ctx -> {
      long id = id(ctx);
      require(db.tx(h -> mocks.delete(h, id)), "nodata config", id);
      ctx.json(deleted(id));
    });
  }

  private void update(Context ctx, long id, MockcfgRow m) {
    require(db.tx(h -> mocks.update(h, id, m)), "nodata config", id);
    ctx.json(find(id));
  }

  private MockcfgRow find(long id) {
    return found(db.tx(h -> mocks.find(h, id)), "nodata config", id);
  }

  private static long id(Context ctx) {
    return id(ctx, "id", "nodata config");
  }
}
