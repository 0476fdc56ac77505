package io.peregrine.hbs.admin;

import io.peregrine.hbs.store.Database;
import io.peregrine.hbs.store.HostRepository;
import java.io.IOException;
import java.util.Map;

/**
 * {@code /api/v1/hosts}: GET lists every host (heartbeat data); GET {id} shows one;
 * PUT {id}/maintenance {"begin","end"} (unix seconds; 0 and 0 end it) sets the window in which the host gets no
 * strategies, so nothing alerts for it.
 */
final class HostsHandler extends ApiHandler {
  private final HostRepository hosts = new HostRepository();

  HostsHandler(Database db, Runnable onChange) {
    super("/api/v1/hosts", db, onChange);
  }

  @Override
  Reply route(ApiRequest r) throws IOException {
    if (r.is("GET", 0)) {
      return Reply.ok(db.tx(hosts::list));
    }
    if (r.is("GET", 1)) {
      long id = r.id(0, "host");
      return Reply.ok(db.tx(h -> hosts.find(h, id)).orElseThrow(() -> ApiException.notFound("host " + id)));
    }
    if (r.is("PUT", 2, "maintenance")) {
      long id = r.id(0, "host");
      JsonBody body = r.body();
      long begin = body.integer("begin", 0, Long.MAX_VALUE / 2);
      long end = body.integer("end", 0, Long.MAX_VALUE / 2);
      body.finish();
      if (end < begin) {
        throw ApiException.badField("end", "must not be before begin");
      }
      if (!db.tx(h -> hosts.setMaintenance(h, id, begin, end))) {
        throw ApiException.notFound("host " + id);
      }
      return Reply.ok(Map.of("id", id, "maintainBegin", begin, "maintainEnd", end));
    }
    throw notAllowed(r);
  }
}
