package io.peregrine.hbs.admin;

import io.javalin.http.Context;
import io.peregrine.common.model.Limits;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.Filter;
import io.peregrine.hbs.store.GroupRepository;
import io.peregrine.hbs.store.GroupRow;
import io.peregrine.hbs.store.HostRepository;
import io.peregrine.hbs.store.Listing;
import io.peregrine.hbs.store.TemplateRepository;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * {@code /api/v1/groups}: host groups (Open-Falcon's {@code grp}) and what is bound to them: hosts by name
 * ({@code grp_host}; unknown names are added as hosts that have not heartbeated yet), templates ({@code grp_tpl})
 * and plugin directories ({@code plugin_dir}, see {@link PluginsApi} for them by id).
 */
final class GroupsApi extends Resource {
  /** Hostnames per bind call: a whole rack or cluster at once, still one modest transaction. */
  static final int MAX_HOSTS_PER_CALL = 10_000;

  record GroupBody(@NotBlank(message = "is required") @Size(max = Limits.MAX_NAME_LENGTH) String name,
      @Size(max = 64) String createUser) {
    static GroupBody of(GroupRow g) {
      return new GroupBody(g.name(), g.createUser());
    }
  }

  record HostnamesBody(@NotNull(message = "is required") @Size(max = MAX_HOSTS_PER_CALL)
      List<@NotBlank(message = "must not be empty") @Size(max = Limits.MAX_NAME_LENGTH) String> hostnames) {
  }

  record BindBody(@NotNull(message = "is required") @Positive Long templateId, @Size(max = 64) String bindUser) {
  }

  record PluginBody(@NotBlank(message = "is required") @Size(max = 255) String dir,
      @Size(max = 64) String createUser) {
  }

  private final GroupRepository groups = new GroupRepository();
  private final HostRepository hosts = new HostRepository();
  private final TemplateRepository templates = new TemplateRepository();

  GroupsApi(Database db, Bodies bodies) {
    super(db, bodies);
  }

  @Override
  void routes(Routes r) {
    r.get("/api/v1/groups", ctx -> {
      Filter f = new Filter().prefix("grp_name", Lists.textParam(ctx, "namePrefix", Limits.MAX_NAME_LENGTH));
      Listing l = Lists.listing(ctx, f, Map.of("name", "grp_name", "id", "id"), "name", "id", Set.of("namePrefix"));
      ctx.json(Lists.answer(ctx, l, db.tx(h -> groups.page(h, l))));
    });
    r.post("/api/v1/groups", ctx -> {
      GroupBody b = bodies.read(ctx, GroupBody.class);
      long id = db.tx(h -> groups.create(h, b.name(), HostsApi.orEmpty(b.createUser())));
      created(ctx, find(id));
    });
    r.get("/api/v1/groups/{id}", ctx -> ctx.json(find(id(ctx))));
    r.put("/api/v1/groups/{id}", ctx -> update(ctx, id(ctx), bodies.read(ctx, GroupBody.class)));
    r.patch("/api/v1/groups/{id}", ctx -> {
      long id = id(ctx);
      update(ctx, id, bodies.patch(ctx, GroupBody.of(find(id)), GroupBody.class));
    });
    r.delete("/api/v1/groups/{id}", ctx -> {
      long id = id(ctx);
      require(db.tx(h -> groups.delete(h, id)), "group", id);
      ctx.json(deleted(id));
    });

    r.get("/api/v1/groups/{id}/hosts", ctx -> {
      long id = id(ctx);
      find(id);
      Filter f = new Filter().clause("id IN (SELECT host_id FROM grp_host WHERE grp_id = :v)", id);
      Listing l = Lists.listing(ctx, f, HostsApi.SORTS, "hostname", "id", Set.of());
      ctx.json(Lists.answer(ctx, l, db.tx(h -> hosts.page(h, l))));
    });
    r.post("/api/v1/groups/{id}/hosts", ctx -> {
      long id = id(ctx);
      HostnamesBody b = bodies.read(ctx, HostnamesBody.class);
      int bound = db.tx(h -> {
        requireGroup(h, id);
        return groups.bindHosts(h, id, b.hostnames(), hosts);
      });
      ctx.json(Map.of("groupId", id, "bound", bound, "alreadyBound", b.hostnames().size() - bound));
    });
    r.delete("/api/v1/groups/{id}/hosts/{hostId}", ctx -> {
      long id = id(ctx);
      long hostId = id(ctx, "hostId", "host");
      if (!db.tx(h -> groups.unbindHost(h, id, hostId))) {
        throw ApiException.notFound("binding of host " + hostId + " to group " + id);
      }
      ctx.json(Map.of("groupId", id, "hostId", hostId, "unbound", true));
    });

    r.get("/api/v1/groups/{id}/templates", ctx -> {
      long id = id(ctx);
      find(id);
      Filter f = new Filter().clause("id IN (SELECT tpl_id FROM grp_tpl WHERE grp_id = :v)", id);
      Listing l = Lists.listing(ctx, f, TemplatesApi.SORTS, "name", "id", Set.of());
      ctx.json(Lists.answer(ctx, l, db.tx(h -> templates.page(h, l))));
    });
    r.post("/api/v1/groups/{id}/templates", ctx -> {
      long id = id(ctx);
      BindBody b = bodies.read(ctx, BindBody.class);
      boolean bound = db.tx(h -> {
        requireGroup(h, id);
        if (templates.find(h, b.templateId()).isEmpty()) {
          throw ApiException.badField("templateId", "names no template: " + b.templateId());
        }
        return groups.bindTemplate(h, id, b.templateId(), HostsApi.orEmpty(b.bindUser()));
      });
      ctx.json(Map.of("groupId", id, "templateId", b.templateId(), "bound", bound));
    });
    r.delete("/api/v1/groups/{id}/templates/{templateId}", ctx -> {
      long id = id(ctx);
      long templateId = id(ctx, "templateId", "template");
      if (!db.tx(h -> groups.unbindTemplate(h, id, templateId))) {
        throw ApiException.notFound("binding of template " + templateId + " to group " + id);
      }
      ctx.json(Map.of("groupId", id, "templateId", templateId, "unbound", true));
    });

    r.post("/api/v1/groups/{id}/plugins", ctx -> {
      long id = id(ctx);
      PluginBody b = bodies.read(ctx, PluginBody.class);
      long pluginId = db.tx(h -> {
        requireGroup(h, id);
        return groups.addPluginDir(h, id, b.dir(), HostsApi.orEmpty(b.createUser()));
      });
      created(ctx, Map.of("id", pluginId, "groupId", id, "dir", b.dir()));
    });
  }

  private void update(Context ctx, long id, GroupBody b) {
    require(db.tx(h -> groups.update(h, id, b.name(), HostsApi.orEmpty(b.createUser()))), "group", id);
    ctx.json(find(id));
  }

  private GroupRow find(long id) {
    return found(db.tx(h -> groups.find(h, id)), "group", id);
  }

  private void requireGroup(Handle h, long id) {
    if (!groups.exists(h, id)) {
      throw ApiException.notFound("group " + id);
    }
  }

  private static long id(Context ctx) {
    return id(ctx, "id", "group");
  }
}
