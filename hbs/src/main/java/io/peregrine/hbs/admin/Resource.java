package io.peregrine.hbs.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.peregrine.hbs.store.Database;
import java.util.Map;

/** One resource of the admin API: its routes and the helpers they share. */
abstract class Resource {
  private static final ObjectMapper JSON = new ObjectMapper();

  protected final Database db;
  protected final Bodies bodies;

  Resource(Database db, Bodies bodies) {
    this.db = db;
    this.bodies = bodies;
  }

  abstract void routes(Routes r);

  /** The path parameter as an id; one that is not a positive number names nothing, hence 404. */
  static long id(Context ctx, String param, String what) {
    String s = ctx.pathParam(param);
    try {
      long id = Long.parseLong(s);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw ApiException.notFound(what + " '" + s + "'");
  }

  static void created(Context ctx, Object body) {
    JsonNode id = JSON.valueToTree(body).get("id");
    if (id != null && id.canConvertToLong()) {
      ctx.attribute(AuditRecorder.CREATED_ID, id.asLong());
    }
    ctx.status(201).json(body);
  }

  static Map<String, Object> deleted(long id) {
    return Map.of("deleted", id);
  }

  static <T> T found(java.util.Optional<T> row, String what, long id) {
    return row.orElseThrow(() -> ApiException.notFound(what + " " + id));
  }

  static void require(boolean changed, String what, long id) {
    if (!changed) {
      throw ApiException.notFound(what + " " + id);
    }
  }
}
