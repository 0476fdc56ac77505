package io.peregrine.hbs.admin;

import io.peregrine.common.server.HttpServerHost;
import io.peregrine.hbs.store.Database;
import java.util.List;

/** The admin API's resources, each a handler of its own under {@code /api/v1/}. */
public final class AdminRoutes {
  private AdminRoutes() {}

  /**
   * Adds every admin route to {@code http}.
   *
   * @param onChange called after each successful write (a rebuild of the strategy set)
   */
  public static void register(HttpServerHost http, Database db, Runnable onChange) {
    for (ApiHandler h : List.of(new HostsHandler(db, onChange), new GroupsHandler(db, onChange),
        new TemplatesHandler(db, onChange), new StrategiesHandler(db, onChange), new ExpressionsHandler(db, onChange),
        new ActionsHandler(db, onChange), new TeamsHandler(db, onChange))) {
      http.route(h.prefix(), h);
    }
  }
}
