package io.peregrine.hbs.admin;

import io.peregrine.hbs.store.ActionRepository;
import io.peregrine.hbs.store.ActionRow;
import io.peregrine.hbs.store.Database;
import java.io.IOException;

/**
 * {@code /api/v1/actions}: who hears about a template's or an expression's events ({@code uic}: team names,
 * comma-separated) and the optional callback.
 */
final class ActionsHandler extends ApiHandler {
  private final ActionRepository actions = new ActionRepository();

  ActionsHandler(Database db, Runnable onChange) {
    super("/api/v1/actions", db, onChange);
  }

  @Override
  Reply route(ApiRequest r) throws IOException {
    if (r.is("GET", 0)) {
      return Reply.ok(db.tx(actions::list));
    }
    if (r.is("GET", 1)) {
      long id = r.id(0, "action");
      return Reply.ok(db.tx(h -> actions.find(h, id)).orElseThrow(() -> ApiException.notFound("action " + id)));
    }
    if (r.is("POST", 0)) {
      JsonBody body = r.body();
      String uic = body.text("uic", "", 255);
      String url = body.text("url", "", 255);
      boolean callback = body.flag("callback", false);
      ActionRow a = new ActionRow(0, uic, url, callback, body.flag("beforeCallbackSms", false),
          body.flag("beforeCallbackMail", false), body.flag("afterCallbackSms", false),
          body.flag("afterCallbackMail", false));
      body.finish();
      if (callback && !(url.startsWith("http://") || url.startsWith("https://"))) {
        throw ApiException.badField("url", "must be an http:// or https:// URL when callback is on, got '" + url
            + "'");
      }
      long id = db.tx(h -> actions.create(h, a));
      return Reply.created(db.tx(h -> actions.find(h, id)).orElseThrow());
    }
    throw notAllowed(r);
  }
}
