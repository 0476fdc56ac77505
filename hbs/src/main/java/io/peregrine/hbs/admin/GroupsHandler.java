package io.peregrine.hbs.admin;

import io.peregrine.common.model.Limits;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.GroupRepository;
import io.peregrine.hbs.store.HostRepository;
import io.peregrine.hbs.store.TemplateRepository;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * {@code /api/v1/groups}: host groups (Open-Falcon's {@code grp}) and what is bound to them: hosts by name
 * ({@code grp_host}; unknown names are added as hosts that have not heartbeated yet), templates ({@code grp_tpl})
 * and plugin directories ({@code plugin_dir}).
 */
final class GroupsHandler extends ApiHandler {
  /** Hostnames per bind call: a whole rack or cluster at once, still one modest transaction. */
  static final int MAX_HOSTS_PER_CALL = 10_000;

  private final GroupRepository groups = new GroupRepository();
  private final HostRepository hosts = new HostRepository();
  private final TemplateRepository templates = new TemplateRepository();

  GroupsHandler(Database db, Runnable onChange) {
    super("/api/v1/groups", db, onChange);
  }

  @Override
  Reply route(ApiRequest r) throws IOException {
    if (r.is("GET", 0)) {
      return Reply.ok(db.tx(groups::list));
    }
    if (r.is("POST", 0)) {
      JsonBody body = r.body();
      String name = body.text("name", 255);
      String createUser = body.text("createUser", "", 64);
      body.finish();
      long id = db.tx(h -> groups.create(h, name, createUser));
      return Reply.created(db.tx(h -> groups.find(h, id)).orElseThrow());
    }
    if (r.is("GET", 1)) {
      long id = r.id(0, "group");
      return Reply.ok(db.tx(h -> groups.find(h, id)).orElseThrow(() -> ApiException.notFound("group " + id)));
    }
    if (r.is("POST", 2, "hosts")) {
      long id = r.id(0, "group");
      JsonBody body = r.body();
      List<String> names = body.texts("hostnames", Limits.MAX_NAME_LENGTH, MAX_HOSTS_PER_CALL);
      body.finish();
      int bound = db.tx(h -> {
        requireGroup(h, id);
        int n = 0;
        for (String name : names) {
          n += groups.bindHost(h, id, hosts.findOrCreate(h, name)) ? 1 : 0;
        }
        return n;
      });
      return Reply.ok(Map.of("groupId", id, "bound", bound, "alreadyBound", names.size() - bound));
    }
    if (r.is("POST", 2, "templates")) {
      long id = r.id(0, "group");
      JsonBody body = r.body();
      long templateId = body.integer("templateId", 1, Long.MAX_VALUE);
      String bindUser = body.text("bindUser", "", 64);
      body.finish();
      boolean bound = db.tx(h -> {
        requireGroup(h, id);
        if (templates.find(h, templateId).isEmpty()) {
          throw ApiException.badField("templateId", "names no template: " + templateId);
        }
        return groups.bindTemplate(h, id, templateId, bindUser);
      });
      return Reply.ok(Map.of("groupId", id, "templateId", templateId, "bound", bound));
    }
    if (r.is("POST", 2, "plugins")) {
      long id = r.id(0, "group");
      JsonBody body = r.body();
      String dir = body.text("dir", 255);
      String createUser = body.text("createUser", "", 64);
      body.finish();
      long pluginId = db.tx(h -> {
        requireGroup(h, id);
        return groups.addPluginDir(h, id, dir, createUser);
      });
      return Reply.created(Map.of("id", pluginId, "groupId", id, "dir", dir));
    }
    throw notAllowed(r);
  }

  private void requireGroup(Handle h, long id) {
    if (!groups.exists(h, id)) {
      throw ApiException.notFound("group " + id);
    }
  }
}
