package io.peregrine.hbs.admin;

import io.javalin.http.Context;
import io.peregrine.common.model.Limits;
import io.peregrine.hbs.store.ActionRepository;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.Filter;
import io.peregrine.hbs.store.GroupRepository;
import io.peregrine.hbs.store.Listing;
import io.peregrine.hbs.store.TemplateRepository;
import io.peregrine.hbs.store.TemplateRow;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * {@code /api/v1/templates}: strategy templates ({@code tpl}). A template may name a parent, whose strategies it
 * inherits (and overrides on the same metric and tags), and an action, which says who hears about its events.
 * Referential rules: the parent and the action must exist, a parent may not be the template or one of its
 * descendants; a template bound to a group or the parent of another cannot be deleted (409 naming them); deleting
 * one deletes its strategies.
 */
final class TemplatesApi extends Resource {
  static final Map<String, String> SORTS = Map.of("name", "tpl_name", "id", "id");

  record TemplateBody(@NotBlank(message = "is required") @Size(max = Limits.MAX_NAME_LENGTH) String name,
      @PositiveOrZero Long parentId, @PositiveOrZero Long actionId, @Size(max = 64) String createUser) {
    static TemplateBody of(TemplateRow t) {
      return new TemplateBody(t.name(), t.parentId(), t.actionId(), t.createUser());
    }
  }

  private final TemplateRepository templates = new TemplateRepository();
  private final ActionRepository actions = new ActionRepository();
  private final GroupRepository groups = new GroupRepository();

  TemplatesApi(Database db, Bodies bodies) {
    super(db, bodies);
  }

  @Override
  void routes(Routes r) {
    r.get("/api/v1/templates", ctx -> {
      Filter f = new Filter().prefix("tpl_name", Lists.textParam(ctx, "namePrefix", Limits.MAX_NAME_LENGTH))
          .eq("parent_id", Lists.longParam(ctx, "parentId")).eq("action_id", Lists.longParam(ctx, "actionId"));
      Listing l = Lists.listing(ctx, f, SORTS, "id", "id", Set.of("namePrefix", "parentId", "actionId"));
      ctx.json(Lists.answer(ctx, l, db.tx(h -> templates.page(h, l))));
    });
    r.post("/api/v1/templates", ctx -> {
      TemplateBody b = bodies.read(ctx, TemplateBody.class);
      long id = db.tx(h -> {
        check(h, 0, b);
        return templates.create(h, b.name(), HostsApi.orZero(b.parentId()), HostsApi.orZero(b.actionId()),
            HostsApi.orEmpty(b.createUser()));
      });
      created(ctx, find(id));
    });
    r.get("/api/v1/templates/{id}", ctx -> ctx.json(find(id(ctx))));
    r.put("/api/v1/templates/{id}", ctx -> update(ctx, id(ctx), bodies.read(ctx, TemplateBody.class)));
    r.patch("/api/v1/templates/{id}", ctx -> {
      long id = id(ctx);
      update(ctx, id, bodies.patch(ctx, TemplateBody.of(find(id)), TemplateBody.class));
    });
    r.delete("/api/v1/templates/{id}", ctx -> {
      long id = id(ctx);
      db.tx(h -> {
        List<String> bound = groups.namesBoundTo(h, id);
        if (!bound.isEmpty()) {
          throw ApiException.conflict("template " + id + " is bound to group(s) " + String.join(", ", bound)
              + "; unbind it first (DELETE /api/v1/groups/{id}/templates/" + id + ")");
        }
        List<String> children = templates.childNames(h, id);
        if (!children.isEmpty()) {
          throw ApiException.conflict("template " + id + " is the parent of template(s) " + String.join(", ",
              children));
        }
        require(templates.delete(h, id), "template", id);
        return null;
      });
      ctx.json(deleted(id));
    });
  }

  private void update(Context ctx, long id, TemplateBody b) {
    db.tx(h -> {
      check(h, id, b);
      require(templates.update(h, id, b.name(), HostsApi.orZero(b.parentId()), HostsApi.orZero(b.actionId()),
          HostsApi.orEmpty(b.createUser())), "template", id);
      return null;
    });
    ctx.json(find(id));
  }

  /** The parent and the action exist; the parent chain does not come back to {@code id} (0 for a new one). */
  private void check(Handle h, long id, TemplateBody b) {
    long parent = HostsApi.orZero(b.parentId());
    long action = HostsApi.orZero(b.actionId());
    if (parent != 0 && templates.find(h, parent).isEmpty()) {
      throw ApiException.badField("parentId", "names no template: " + parent);
    }
    if (id != 0 && parent != 0 && templates.isSelfOrDescendant(h, id, parent)) {
      throw ApiException.badField("parentId", "would make a loop: template " + parent + " is template " + id
          + " or inherits from it");
    }
    if (action != 0 && actions.find(h, action).isEmpty()) {
      throw ApiException.badField("actionId", "names no action: " + action);
    }
  }

  private TemplateRow find(long id) {
    return found(db.tx(h -> templates.find(h, id)), "template", id);
  }

  private static long id(Context ctx) {
    return id(ctx, "id", "template");
  }
}
