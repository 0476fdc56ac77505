package io.peregrine.hbs.admin;

import io.javalin.http.Context;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.Filter;
import io.peregrine.hbs.store.GroupRepository;
import io.peregrine.hbs.store.Listing;
import io.peregrine.hbs.store.PluginDirRepository;
import io.peregrine.hbs.store.PluginDirRow;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v1/plugins}: plugin directories by their own id (added through
 * {@code POST /api/v1/groups/{id}/plugins}); moving one to another group needs that group to exist.
 */
final class PluginsApi extends Resource {
  record PluginDirBody(@NotNull(message = "is required") @Positive Long groupId,
      @NotBlank(message = "is required") @Size(max = 255) String dir, @Size(max = 64) String createUser) {
    static PluginDirBody of(PluginDirRow p) {
      return new PluginDirBody(p.groupId(), p.dir(), p.createUser());
    }
  }

  private final PluginDirRepository plugins = new PluginDirRepository();
  private final GroupRepository groups = new GroupRepository();

  PluginsApi(Database db, Bodies bodies) {
    super(db, bodies);
  }

  @Override
  void routes(Routes r) {
    r.get("/api/v1/plugins", ctx -> {
      Filter f = new Filter().eq("grp_id", Lists.longParam(ctx, "groupId"));
      Listing l = Lists.listing(ctx, f, Map.of("id", "id", "groupId", "grp_id"), "id", "id", Set.of("groupId"));
      ctx.json(Lists.answer(ctx, l, db.tx(h -> plugins.page(h, l))));
    });
    r.get("/api/v1/plugins/{id}", ctx -> ctx.json(find(id(ctx))));
    r.put("/api/v1/plugins/{id}", ctx -> update(ctx, id(ctx), bodies.read(ctx, PluginDirBody.class)));
    r.patch("/api/v1/plugins/{id}", ctx -> {
      long id = id(ctx);
      update(ctx, id, bodies.patch(ctx, PluginDirBody.of(find(id)), PluginDirBody.class));
    });
    r.delete("/api/v1/plugins/{id}", ctx -> {
      long id = id(ctx);
      require(db.tx(h -> plugins.delete(h, id)), "plugin directory", id);
      ctx.json(deleted(id));
    });
  }

  private void update(Context ctx, long id, PluginDirBody b) {
    require(db.tx(h -> {
      if (!groups.exists(h, b.groupId())) {
        throw ApiException.badField("groupId", "names no group: " + b.groupId());
      }
      return plugins.update(h, id, b.groupId(), b.dir(), HostsApi.orEmpty(b.createUser()));
    }), "plugin directory", id);
    ctx.json(find(id));
  }

  private PluginDirRow find(long id) {
    return found(db.tx(h -> plugins.find(h, id)), "plugin directory", id);
  }

  private static long id(Context ctx) {
    return id(ctx, "id", "plugin directory");
  }
}
