package io.peregrine.common.auth;

/** The scope a route or gRPC method needs; null = open to every caller. */
@FunctionalInterface
public interface AccessRule {
  /**
   * @param method the HTTP method (upper case), or "" for a gRPC call
   * @param path the HTTP path without query, or the gRPC method's full name ({@code peregrine.v1.Hbs/Heartbeat})
   */
  Scope scopeFor(String method, String path);
}
