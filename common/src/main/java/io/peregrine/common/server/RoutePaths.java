package io.peregrine.common.server;

import java.util.function.Predicate;

/** The rule every HTTP server of ours applies to a route added before start. */
public final class RoutePaths {
  private RoutePaths() {}

  /**
   * @throws IllegalArgumentException for a path that does not start with '/', or that {@code taken} already holds
   *     (a server keeping the first of two equal paths would silently ignore the other)
   */
  public static void requireNew(String server, String path, Predicate<String> taken) {
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException(server + ": route path must start with '/': '" + path + "'");
    }
    if (taken.test(path)) {
      throw new IllegalArgumentException(server + ": route path " + path + " is already taken");
    }
  }
}
