package io.peregrine.hbs.admin;

import io.peregrine.hbs.store.ActionRepository;
import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.TemplateRepository;
import java.io.IOException;

/**
 * {@code /api/v1/templates}: strategy templates ({@code tpl}). A template may name a parent, whose strategies it
 * inherits (and overrides on the same metric and tags), and an action, which says who hears about its events.
 */
final class TemplatesHandler extends ApiHandler {
  private final TemplateRepository templates = new TemplateRepository();
  private final ActionRepository actions = new ActionRepository();

  TemplatesHandler(Database db, Runnable onChange) {
    super("/api/v1/templates", db, onChange);
  }

  @Override
  Reply route(ApiRequest r) throws IOException {
    if (r.is("GET", 0)) {
      return Reply.ok(db.tx(templates::list));
    }
    if (r.is("GET", 1)) {
      long id = r.id(0, "template");
      return Reply.ok(db.tx(h -> templates.find(h, id)).orElseThrow(() -> ApiException.notFound("template " + id)));
    }
    if (r.is("POST", 0)) {
      JsonBody body = r.body();
      String name = body.text("name", 255);
      long parentId = body.integer("parentId", 0, 0, Long.MAX_VALUE);
      long actionId = body.integer("actionId", 0, 0, Long.MAX_VALUE);
      String createUser = body.text("createUser", "", 64);
      body.finish();
      long id = db.tx(h -> {
        if (parentId != 0 && templates.find(h, parentId).isEmpty()) {
          throw ApiException.badField("parentId", "names no template: " + parentId);
        }
        if (actionId != 0 && actions.find(h, actionId).isEmpty()) {
          throw ApiException.badField("actionId", "names no action: " + actionId);
        }
        return templates.create(h, name, parentId, actionId, createUser);
      });
      return Reply.created(db.tx(h -> templates.find(h, id)).orElseThrow());
    }
    throw notAllowed(r);
  }
}
