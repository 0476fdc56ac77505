package io.peregrine.common.http;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSession;

/**
 * One request as a route of {@link NettyHttpServer} sees it: method, path, query parameters, headers, the caller's
 * address and the whole body (gunzipped when sent with gzip). Valid only during the route's call: the body is the
 * connection's buffer, reused for the next request.
 */
public final class HttpCall {
  private final HttpRequest request;
  private final String path;
  private final String rawQuery;
  private final SocketAddress remote;
  private final byte[] body;
  private final int length;
  private final SSLSession tls;
  private Map<String, List<String>> query;

  HttpCall(HttpRequest request, String path, String rawQuery, SocketAddress remote, byte[] body, int length) {
    this(request, path, rawQuery, remote, body, length, null);
  }

  HttpCall(HttpRequest request, String path, String rawQuery, SocketAddress remote, byte[] body, int length,
      SSLSession tls) {
    this.request = request;
    this.path = path;
    this.rawQuery = rawQuery;
    this.remote = remote;
    this.body = body;
    this.length = length;
    this.tls = tls;
  }

  /** The connection's TLS session (its peer's client certificate, when it sent one), or null over plain HTTP. */
  public SSLSession tlsSession() {
    return tls;
  }

  /** The method, upper case. */
  public String method() {
    return request.method().name();
  }

  /** The path without the query string. */
  public String path() {
    return path;
  }

  /** The first value of a query parameter (decoded), or null when absent. */
  public String query(String name) {
    if (rawQuery == null) {
      return null;
    }
    if (query == null) {
      query = new QueryStringDecoder(rawQuery).parameters(); // the request URI; parsed only when a route asks
    }
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The first value of a header (case-insensitive name), or null. */
  public String header(String name) {
    return request.headers().get(name);
  }

  /** The caller's IP address, or null when the connection is not over IP. */
  public InetAddress remoteAddress() {
    return remote instanceof InetSocketAddress a ? a.getAddress() : null;
  }

  /** The body in {@code body()[0, length())}. */
  public byte[] body() {
    return body;
  }

  public int length() {
    return length;
  }
}
