package io.peregrine.hbs.admin;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.peregrine.hbs.auth.Principal;
import io.peregrine.hbs.auth.Scope;
import io.peregrine.hbs.console.ConsoleConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The console's way to the other components' HTTP APIs, so the browser talks to one origin with one session:
 * {@code /console/api/graph/<path>}, {@code /console/api/sender/<path>} and {@code /console/api/judge/<path>} go to
 * {@code <upstream>/<path>} (only paths under {@code api/}) with the query and body as sent, and the bearer token
 * {@code hbs.console.upstreamToken} when set. The caller is the console user (session cookie, or a bearer token),
 * and the role decides (see {@link #need}): reading anything needs scope read (viewer); graph's bulk reads
 * ({@code POST api/v1/history|last}) are reads; other writes need write on judge (rule tests, editor) and on a sender's incident
 * acknowledgement ({@link ConsoleAck}: {@code by} is the signed-in user), and admin on
 * graph (deleting series) and on sender (dead letters). Bodies up to {@link Bodies#MAX_BODY_BYTES}, answers up to
 * {@link #MAX_ANSWER_BYTES} (a longer one: 502); an upstream that
 * is not configured answers 503, one that does not answer in {@link #TIMEOUT} 502.
 */
final class ConsoleProxy {
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  /** The largest upstream answer passed on: a week of 50 series at the raw step is a few MB of JSON. */
  static final int MAX_ANSWER_BYTES = 32 << 20;
  private static final Set<String> GRAPH_READS = Set.of("api/v1/history", "api/v1/last");
  private static final Set<String> HEADERS_OUT = Set.of("content-type", "x-total-count", "link");

  private final java.util.concurrent.ConcurrentHashMap<String, String> upstreams;
  private final String token;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ConsoleProxy(ConsoleConfig config) {
    this.upstreams = new java.util.concurrent.ConcurrentHashMap<>(Map.of("graph", config.graphUrl(), "sender",
        config.senderUrl(), "judge", config.judgeUrl()));
    this.token = config.upstreamToken();
  }

  /**
   * Points the proxy at upstreams known only after hbs started (all-in-one binds port 0 and starts graph, sender
   * and judge after hbs); an empty URL leaves that upstream as configured.
   */
  void wire(String graph, String sender, String judge) {
    Map.of("graph", graph, "sender", sender, "judge", judge).forEach((name, url) -> {
      if (url != null && !url.isEmpty()) {
        upstreams.put(name, url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
      }
    });
  }

  void routes(Javalin app) {
    for (String name : List.of("graph", "sender", "judge")) {
      String prefix = "/console/api/" + name + "/";
      for (var type : new io.javalin.http.HandlerType[] {io.javalin.http.HandlerType.GET,
          io.javalin.http.HandlerType.POST, io.javalin.http.HandlerType.PUT, io.javalin.http.HandlerType.PATCH,
          io.javalin.http.HandlerType.DELETE}) {
        app.addHttpHandler(type, prefix + "*", ctx -> forward(ctx, name, ctx.path().substring(prefix.length())));
      }
    }
  }

  /** The scope a proxied call needs; null when the path is not one the proxy forwards. */
  static Scope need(String upstream, String method, String rest) {
    boolean read = method.equals("GET") || method.equals("HEAD");
    if (read || (upstream.equals("graph") && method.equals("POST") && GRAPH_READS.contains(rest))) {
      return Scope.READ;
    }
    if (ConsoleAck.is(upstream, method, rest)) {
      return Scope.WRITE;
    }
    return upstream.equals("judge") ? Scope.WRITE : Scope.ADMIN;
  }

  private void forward(Context ctx, String upstream, String rest) throws IOException, InterruptedException {
    Principal p = Access.principal(ctx);
    if (!rest.startsWith("api/") || rest.contains("..") || rest.contains("//")) {
      throw ApiException.notFound("the console proxy forwards only paths under " + upstream + "'s api/, got '"
          + rest + "'");
    }
    String method = ctx.method().name();
    Scope scope = need(upstream, method, rest);
    if (!p.allows(scope)) {
      throw Access.forbidden(ctx, p, scope);
    }
    String base = upstreams.get(upstream);
    if (base.isEmpty()) {
      throw new ApiException(503, "hbs.console." + upstream + "Url is not set: the console cannot reach "
          + upstream);
    }
    StringBuilder url = new StringBuilder(base).append('/');
    for (String segment : rest.split("/", -1)) {
      url.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20")).append('/');
    }
    url.setLength(url.length() - 1);
    if (ctx.queryString() != null) {
      url.append('?').append(ctx.queryString());
    }
    byte[] body = Bodies.bytes(ctx);
    if (ConsoleAck.is(upstream, method, rest)) {
      body = ConsoleAck.body(body, p.user());
    }
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url.toString())).timeout(TIMEOUT)
        .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    String type = ctx.header("Content-Type");
    if (type != null) {
      req.header("Content-Type", type);
    }
    if (!token.isEmpty()) {
      req.header("Authorization", "Bearer " + token);
    }
    HttpResponse<java.io.InputStream> answer;
    byte[] answerBody;
    try {
      answer = client.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (java.io.InputStream in = answer.body()) {
        answerBody = in.readNBytes(MAX_ANSWER_BYTES + 1);
      }
    } catch (IOException e) {
      throw new ApiException(502, upstream + " did not answer at " + base + ": " + e.getMessage());
    }
    if (answerBody.length > MAX_ANSWER_BYTES) {
      throw new ApiException(502, upstream + "'s answer is over " + (MAX_ANSWER_BYTES >> 20)
          + " MiB, more than the console proxy passes on: ask for fewer series or a shorter range");
    }
    ctx.status(answer.statusCode());
    answer.headers().map().forEach((name, values) -> {
      if (HEADERS_OUT.contains(name.toLowerCase(java.util.Locale.ROOT)) && !values.isEmpty()) {
        ctx.header(name, values.get(0));
      }
    });
    ctx.result(answerBody);
  }
}
