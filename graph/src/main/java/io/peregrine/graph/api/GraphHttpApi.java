package io.peregrine.graph.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.peregrine.common.server.HttpExchanges;
import io.peregrine.common.server.HttpServerHost;
import io.peregrine.graph.prom.PromApi;
import io.peregrine.graph.store.GraphStore;
import io.peregrine.graph.store.LastPoint;
import io.peregrine.graph.store.QueryResult;
import io.peregrine.graph.store.SeriesMeta;
import io.peregrine.graph.store.SeriesPage;
import io.peregrine.proto.v1.Consolidation;
import java.io.IOException;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Graph's JSON API for people with curl (the same reads as the gRPC service, with the same limits):
 * <ul>
 *   <li>{@code GET /api/v1/query?endpoint=&metric=&tags=&start=&end=&cf=AVERAGE&resolution=}: start and end in unix
 *       seconds, by default the last hour; cf AVERAGE, MAX or MIN; resolution in seconds, 0 (default) for the
 *       finest archive holding start. Points with no data have {@code "value": null}.
 *   <li>{@code GET /api/v1/last?endpoint=&metric=&tags=}: the newest raw sample.
 *   <li>{@code GET /api/v1/series?endpoint=&metric_prefix=&limit=}: known series, sorted by key.
 *   <li>{@code DELETE /api/v1/series?endpoint=&metric=&tags=}: deletes an endpoint's series, or a counter's.
 *   <li>{@code POST /api/v1/history}, {@code POST /api/v1/last}, {@code GET /api/v1/endpoints},
 *       {@code GET /api/v1/counters}: many series at once and the index ({@link BulkApi}).
 *   <li>The Prometheus read API for Grafana ({@link PromApi}): {@code /api/v1/query} and {@code /api/v1/series}
 *       when they carry {@code query} or {@code match[]} (or are form POSTs), {@code /api/v1/query_range},
 *       {@code /api/v1/labels}, {@code /api/v1/label/<name>/values}.
 * </ul>
 * Tags may be given in any order. A bad parameter answers 400 with {@code {"error": "..."}} naming it; an unknown
 * series 404 with {@code {"series": key, "found": false}}.
 */
public final class GraphHttpApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final long DEFAULT_RANGE_SECONDS = 3_600;

  private final GraphStore store;
  private final Clock clock;
  private final QueryMetrics metrics;
  private final PromApi prom;
  private final BulkApi bulk;

  public GraphHttpApi(GraphStore store, Clock clock, QueryMetrics metrics) {
    this.store = store;
    this.clock = clock;
    this.metrics = metrics;
    this.prom = new PromApi(store, clock);
    this.bulk = new BulkApi(store, clock);
  }

  public void addTo(HttpServerHost http) {
    HttpHandler nativeQuery = exact("/api/v1/query", "query", "GET", this::query);
    HttpHandler nativeSeries = exact("/api/v1/series", "series", "GET", this::series);
    HttpHandler deleteSeries = exact("/api/v1/series", "delete", "DELETE", this::delete);
    // Prometheus and graph's own API share /api/v1/query and /api/v1/series: a Prometheus request names a query
    // or match[] (or is a form POST, which graph's own routes never take)
    http.route("/api/v1/query", ex -> {
      if (isProm(ex, "query")) {
        prom(ex, "query");
      } else {
        nativeQuery.handle(ex);
      }
    });
    http.route("/api/v1/series", ex -> {
      if ("DELETE".equalsIgnoreCase(ex.getRequestMethod())) {
        deleteSeries.handle(ex);
      } else if (isProm(ex, "match[]")) {
        prom(ex, "series");
      } else {
        nativeSeries.handle(ex);
      }
    });
    http.route("/api/v1/query_range", ex -> prom(ex, "query_range"));
    http.route("/api/v1/labels", ex -> prom(ex, "labels"));
    http.route("/api/v1/label/", ex -> prom(ex, ex.getRequestURI().getPath().substring("/api/v1/".length())));
    HttpHandler lastOne = exact("/api/v1/last", "last", "GET", this::last);
    HttpHandler lastMany = exact("/api/v1/last", "last", "POST", bulk::last);
    http.route("/api/v1/last", ex -> ("POST".equalsIgnoreCase(ex.getRequestMethod()) ? lastMany : lastOne)
        .handle(ex));
    http.route("/api/v1/history", exact("/api/v1/history", "history", "POST", bulk::history));
    http.route("/api/v1/endpoints", exact("/api/v1/endpoints", "endpoints", "GET", bulk::endpoints));
    http.route("/api/v1/counters", exact("/api/v1/counters", "counters", "GET", bulk::counters));
  }

  private static boolean isProm(HttpExchange ex, String param) {
    return "POST".equalsIgnoreCase(ex.getRequestMethod()) || hasParam(ex, param);
  }

  private static boolean hasParam(HttpExchange ex, String param) {
    String raw = ex.getRequestURI().getRawQuery();
    if (raw == null) {
      return false;
    }
    for (String pair : raw.split("&")) {
      String k = java.net.URLDecoder.decode(pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair,
          java.nio.charset.StandardCharsets.UTF_8);
      if (k.equals(param)) {
        return true;
      }
    }
    return false;
  }

  private void prom(HttpExchange ex, String path) throws IOException {
    long t0 = System.nanoTime();
    try {
      prom.handle(ex, path);
    } finally {
      metrics.record("prom_" + (path.startsWith("label/") ? "label_values" : path), "http", "ok", t0);
    }
  }

  private String delete(HttpExchange ex, Map<String, String> q) throws IOException {
    String endpoint = q.getOrDefault("endpoint", "");
    String metric = q.getOrDefault("metric", "");
    boolean exactTags = q.containsKey("tags");
    String tags = exactTags ? SeriesRefs.deleteTags(metric, q.get("tags")) : "";
    int n = store.delete(endpoint, metric, tags, exactTags);
    HttpExchanges.json(ex, 200, JSON.createObjectNode().put("deleted", n).toString());
    return "ok";
  }

  /** A read answering JSON; returns the outcome for the metrics. */
  interface Read {
    String handle(HttpExchange ex, Map<String, String> params) throws IOException;
  }

  private HttpHandler exact(String path, String api, String method, Read read) {
    return ex -> {
      if (!ex.getRequestURI().getPath().equals(path)) {
        error(ex, 404, "no such path: " + ex.getRequestURI().getPath());
        return;
      }
      if (!HttpExchanges.method(ex, method)) {
        return;
      }
      long t0 = System.nanoTime();
      String outcome = "error";
      try {
        outcome = read.handle(ex, HttpExchanges.query(ex));
      } catch (IllegalArgumentException e) {
        outcome = "invalid";
        error(ex, 400, e.getMessage());
      } catch (HttpExchanges.BodyTooLargeException e) {
        outcome = "invalid";
        error(ex, 413, e.getMessage());
      } catch (RuntimeException | InternalError e) {
        error(ex, 500, "reading the store failed: " + e);
      } finally {
        metrics.record(api, "http", outcome, t0);
      }
    };
  }

  private String query(HttpExchange ex, Map<String, String> q) throws IOException {
    SeriesRefs.Ref ref = ref(q);
    long end = longParam(q, "end", clock.millis() / 1000);
    long start = longParam(q, "start", end - DEFAULT_RANGE_SECONDS);
    int resolution = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, longParam(q, "resolution", 0)));
    Consolidation cf = consolidation(q.getOrDefault("cf", ""));
    Optional<QueryResult> result = store.query(ref.key(), cf, start, end, resolution);
    if (result.isEmpty()) {
      return notFound(ex, ref);
    }
    QueryResult r = result.get();
    ObjectNode body = series(ref).put("counterType", r.counterType().name()).put("cf", cf.name())
        .put("step", r.step()).put("start", start).put("end", end);
    ArrayNode points = body.putArray("points");
    for (int i = 0; i < r.size(); i++) {
      ObjectNode p = points.addObject().put("timestamp", r.timestamps()[i]);
      double v = r.values()[i];
      if (Double.isNaN(v)) {
        p.putNull("value");
      } else {
        p.put("value", v);
      }
    }
    HttpExchanges.json(ex, 200, body.toString());
    return "ok";
  }

  private String last(HttpExchange ex, Map<String, String> q) throws IOException {
    SeriesRefs.Ref ref = ref(q);
    Optional<LastPoint> last = store.last(ref.key());
    if (last.isEmpty()) {
      return notFound(ex, ref);
    }
    ObjectNode body = series(ref).put("timestamp", last.get().timestamp()).put("value", last.get().value());
    HttpExchanges.json(ex, 200, body.toString());
    return "ok";
  }

  private String series(HttpExchange ex, Map<String, String> q) throws IOException {
    long limit = longParam(q, "limit", GraphServiceImpl.DEFAULT_LIST_LIMIT);
    if (limit < 1 || limit > GraphServiceImpl.MAX_LIST_LIMIT) {
      throw new IllegalArgumentException("limit must be within 1.." + GraphServiceImpl.MAX_LIST_LIMIT + ", got "
          + limit);
    }
    SeriesPage page = store.list(q.getOrDefault("endpoint", ""), q.getOrDefault("metric_prefix", ""), (int) limit);
    ObjectNode body = JSON.createObjectNode();
    ArrayNode list = body.putArray("series");
    for (SeriesMeta m : page.series()) {
      list.addObject().put("endpoint", m.endpoint()).put("metric", m.metric()).put("tags", m.tags())
          .put("step", m.step()).put("counterType", m.counterType().name());
    }
    body.put("truncated", page.truncated());
    HttpExchanges.json(ex, 200, body.toString());
    return "ok";
  }

  private static SeriesRefs.Ref ref(Map<String, String> q) {
    return SeriesRefs.of("", q.getOrDefault("endpoint", ""), q.getOrDefault("metric", ""),
        q.getOrDefault("tags", ""));
  }

  private static ObjectNode series(SeriesRefs.Ref ref) {
    return JSON.createObjectNode().put("endpoint", ref.endpoint()).put("metric", ref.metric())
        .put("tags", ref.tags());
  }

  private static String notFound(HttpExchange ex, SeriesRefs.Ref ref) throws IOException {
    HttpExchanges.json(ex, 404, JSON.createObjectNode().put("series", ref.key()).put("found", false).toString());
    return "not_found";
  }

  static long longParam(Map<String, String> q, String name, long fallback) {
    String v = q.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number" + ("limit".equals(name) ? "" : " of "
          + ("resolution".equals(name) ? "seconds" : "unix seconds")) + ", got '" + v + "'");
    }
  }

  static Consolidation consolidation(String cf) {
    return switch (cf.trim().toUpperCase(Locale.ROOT)) {
      case "", "AVERAGE", "AVG" -> Consolidation.AVERAGE;
      case "MAX" -> Consolidation.MAX;
      case "MIN" -> Consolidation.MIN;
      default -> throw new IllegalArgumentException("cf must be AVERAGE, MAX or MIN, got '" + cf + "'");
    };
  }

  static void error(HttpExchange ex, int status, String message) throws IOException {
    HttpExchanges.json(ex, status, JSON.createObjectNode().put("error", message).toString());
  }
}
