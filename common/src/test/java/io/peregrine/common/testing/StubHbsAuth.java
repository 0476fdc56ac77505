package io.peregrine.common.testing;

import com.sun.net.httpserver.HttpServer;
import io.peregrine.common.auth.Bearer;
import io.peregrine.common.server.HttpExchanges;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * hbs's {@code GET /api/v1/auth/me} on loopback, answering for a fixed set of tokens as hbs does (200 with user and
 * scopes, else 401), for modules that cannot start a real hbs (hbs's own test checks the real one). Tokens:
 * {@code pgr_read}, {@code pgr_push}, {@code pgr_write}, {@code pgr_admin}, each with the scope of its name.
 */
public final class StubHbsAuth implements AutoCloseable {
  public static final String READ = "pgr_read";
  public static final String PUSH = "pgr_push";
  public static final String WRITE = "pgr_write";
  public static final String ADMIN = "pgr_admin";
  private static final Map<String, List<String>> SCOPES = Map.of(READ, List.of("read"), PUSH, List.of("push"),
      WRITE, List.of("write"), ADMIN, List.of("admin"));

  private final HttpServer server;
  private final AtomicInteger calls = new AtomicInteger();

  public StubHbsAuth() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/api/v1/auth/me", ex -> {
      calls.incrementAndGet();
      String token = Bearer.token(ex.getRequestHeaders().getFirst("Authorization"));
      List<String> scopes = token == null ? null : SCOPES.get(token);
      if (scopes == null) {
        HttpExchanges.json(ex, 401, "{\"error\":\"unknown token\"}");
      } else {
        HttpExchanges.json(ex, 200, "{\"user\":\"" + token.substring(4) + "-user\",\"scopes\":"
            + scopes.stream().map(s -> "\"" + s + "\"").toList() + "}");
      }
      ex.close();
    });
    server.start();
  }

  /** For {@code auth.hbsUrl}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** How many checks reached this stand-in. */
  public int calls() {
    return calls.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
