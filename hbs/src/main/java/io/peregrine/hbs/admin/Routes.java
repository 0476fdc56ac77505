package io.peregrine.hbs.admin;

import io.javalin.Javalin;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;

/** Adds routes to the Javalin app and remembers them, so the OpenAPI test can compare them with the document. */
final class Routes {
  private final Javalin app;
  private final List<String> added = new ArrayList<>();

  Routes(Javalin app) {
    this.app = app;
  }

  Routes get(String path, Handler h) {
    return add(HandlerType.GET, path, h);
  }

  Routes post(String path, Handler h) {
    return add(HandlerType.POST, path, h);
  }

  Routes put(String path, Handler h) {
    return add(HandlerType.PUT, path, h);
  }

  Routes patch(String path, Handler h) {
    return add(HandlerType.PATCH, path, h);
  }

  Routes delete(String path, Handler h) {
    return add(HandlerType.DELETE, path, h);
  }

  /** {@code METHOD path} of every route added, sorted. */
  List<String> all() {
    return added.stream().sorted().toList();
  }

  private Routes add(HandlerType type, String path, Handler h) {
    app.addHttpHandler(type, path, h);
    added.add(type.name() + " " + path);
    return this;
  }
}
