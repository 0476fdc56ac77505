package io.peregrine.transfer.http;

/** A route of {@link HttpIngestServer}. Runs on the connection's I/O thread: it must not wait on the network. */
@FunctionalInterface
public interface HttpRoute {
  /**
   * @param method the request method, upper case
   * @param body the request body (gunzipped when the client sent gzip) in {@code body[0, length)}; valid only during
   *     the call
   */
  HttpAnswer handle(String method, byte[] body, int length) throws Exception;
}
