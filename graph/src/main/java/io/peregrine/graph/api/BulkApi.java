package io.peregrine.graph.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.peregrine.common.server.HttpExchanges;
import io.peregrine.graph.store.GraphStore;
import io.peregrine.graph.store.IndexView;
import io.peregrine.graph.store.LastPoint;
import io.peregrine.graph.store.QueryResult;
import io.peregrine.graph.store.SeriesMeta;
import io.peregrine.proto.v1.Consolidation;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Graph's reads of many series at once and of its index, as a dashboard needs them (Open-Falcon's query API did the
 * same over its graph nodes):
 * <ul>
 *   <li>{@code POST /api/v1/history} {@code {"series":[{"endpoint","metric","tags"} | {"endpoint","counter"}],
 *       "start","end","cf","resolution"}}: the points of each series, as {@code /api/v1/query} answers one;
 *       unknown series answer {@code "found": false}.
 *   <li>{@code POST /api/v1/last} {@code {"series":[...]}}: the newest raw sample of each.
 *   <li>{@code GET /api/v1/endpoints?pattern=&limit=}: endpoint names matching a regular expression (anywhere in
 *       the name), sorted.
 *   <li>{@code GET /api/v1/counters?endpoint=&pattern=&limit=}: with an endpoint, its series whose counter
 *       ({@code metric/tags}) matches; without, the counters of every endpoint that match.
 * </ul>
 * Limits: {@link #MAX_SERIES} series per request, bodies up to {@link #MAX_BODY_BYTES}, list limit 1..10,000
 * (default 1,000); each series' points are limited as in {@code /api/v1/query}.
 */
final class BulkApi {
  static final int MAX_SERIES = 1_000;
  static final int MAX_BODY_BYTES = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final GraphStore store;
  private final Clock clock;

  BulkApi(GraphStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  String history(HttpExchange ex, Map<String, String> q) throws IOException {
    JsonNode body = body(ex);
    List<SeriesRefs.Ref> refs = refs(body);
    long end = number(body, "end", clock.millis() / 1000);
    long start = number(body, "start", end - GraphHttpApi.DEFAULT_RANGE_SECONDS);
    long resolution = number(body, "resolution", 0);
    if (resolution > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("resolution must be at most " + Integer.MAX_VALUE + " s");
    }
    Consolidation cf = GraphHttpApi.consolidation(body.path("cf").asText(""));
    ObjectNode out = JSON.createObjectNode().put("start", start).put("end", end).put("cf", cf.name());
    ArrayNode list = out.putArray("series");
    for (SeriesRefs.Ref ref : refs) {
      ObjectNode s = list.addObject().put("endpoint", ref.endpoint()).put("metric", ref.metric())
          .put("tags", ref.tags());
      Optional<QueryResult> r = store.query(ref.key(), cf, start, end, (int) resolution);
      s.put("found", r.isPresent());
      if (r.isPresent()) {
        QueryResult qr = r.get();
        s.put("counterType", qr.counterType().name()).put("step", qr.step());
        ArrayNode points = s.putArray("points");
        for (int i = 0; i < qr.size(); i++) {
          ArrayNode p = points.addArray().add(qr.timestamps()[i]);
          double v = qr.values()[i];
          if (Double.isNaN(v)) {
            p.addNull();
          } else {
            p.add(v);
          }
        }
      }
    }
    HttpExchanges.json(ex, 200, out.toString());
    return "ok";
  }

  String last(HttpExchange ex, Map<String, String> q) throws IOException {
    List<SeriesRefs.Ref> refs = refs(body(ex));
    ObjectNode out = JSON.createObjectNode();
    ArrayNode list = out.putArray("series");
    for (SeriesRefs.Ref ref : refs) {
      ObjectNode s = list.addObject().put("endpoint", ref.endpoint()).put("metric", ref.metric())
          .put("tags", ref.tags());
      Optional<LastPoint> last = store.last(ref.key());
      s.put("found", last.isPresent());
      last.ifPresent(p -> s.put("timestamp", p.timestamp()).put("value", p.value()));
    }
    HttpExchanges.json(ex, 200, out.toString());
    return "ok";
  }

  String endpoints(HttpExchange ex, Map<String, String> q) throws IOException {
    IndexView.Names names = store.index().endpoints(pattern(q), limit(q));
    ObjectNode out = JSON.createObjectNode();
    ArrayNode list = out.putArray("endpoints");
    names.names().forEach(list::add);
    out.put("truncated", names.truncated());
    HttpExchanges.json(ex, 200, out.toString());
    return "ok";
  }

  String counters(HttpExchange ex, Map<String, String> q) throws IOException {
    String endpoint = q.getOrDefault("endpoint", "");
    ObjectNode out = JSON.createObjectNode();
    ArrayNode list = out.putArray("counters");
    if (endpoint.isEmpty()) {
      IndexView.Names names = store.index().counters(pattern(q), limit(q));
      names.names().forEach(list::add);
      out.put("truncated", names.truncated());
    } else {
      boolean[] truncated = {false};
      for (SeriesMeta m : store.index().countersOf(endpoint, pattern(q), limit(q), truncated)) {
        list.addObject().put("counter", m.counter()).put("metric", m.metric()).put("tags", m.tags())
            .put("step", m.step()).put("counterType", m.counterType().name());
      }
      out.put("truncated", truncated[0]);
    }
    HttpExchanges.json(ex, 200, out.toString());
    return "ok";
  }

  private static Pattern pattern(Map<String, String> q) {
    String p = q.getOrDefault("pattern", "");
    if (p.isEmpty()) {
      return null;
    }
    try {
      return Pattern.compile(p);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("pattern is not a regular expression: " + e.getDescription());
    }
  }

  private static int limit(Map<String, String> q) {
    long limit = GraphHttpApi.longParam(q, "limit", GraphServiceImpl.DEFAULT_LIST_LIMIT);
    if (limit < 1 || limit > GraphServiceImpl.MAX_LIST_LIMIT) {
      throw new IllegalArgumentException("limit must be within 1.." + GraphServiceImpl.MAX_LIST_LIMIT + ", got "
          + limit);
    }
    return (int) limit;
  }

  private static JsonNode body(HttpExchange ex) throws IOException {
    byte[] bytes = HttpExchanges.readBody(ex, MAX_BODY_BYTES);
    try {
      JsonNode n = JSON.readTree(bytes);
      if (n == null || !n.isObject()) {
        throw new IllegalArgumentException("the body must be a JSON object with a \"series\" array");
      }
      return n;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("the body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** Series named as endpoint + metric + tags, or endpoint + Open-Falcon counter ({@code metric/tags}). */
  private static List<SeriesRefs.Ref> refs(JsonNode body) {
    JsonNode series = body.path("series");
    if (!series.isArray() || series.isEmpty()) {
      throw new IllegalArgumentException("series must be a non-empty array of {endpoint, metric, tags} or "
          + "{endpoint, counter}");
    }
    if (series.size() > MAX_SERIES) {
      throw new IllegalArgumentException("series has " + series.size() + " entries, at most " + MAX_SERIES
          + " allowed");
    }
    List<SeriesRefs.Ref> refs = new ArrayList<>(series.size());
    for (int i = 0; i < series.size(); i++) {
      JsonNode s = series.get(i);
      String metric = s.path("metric").asText("");
      String tags = s.path("tags").asText("");
      String counter = s.path("counter").asText("");
      if (metric.isEmpty() && !counter.isEmpty()) {
        int slash = counter.indexOf('/');
        metric = slash < 0 ? counter : counter.substring(0, slash);
        tags = slash < 0 ? "" : counter.substring(slash + 1);
      }
      refs.add(SeriesRefs.of("series[" + i + "].", s.path("endpoint").asText(""), metric, tags));
    }
    return refs;
  }

  private static long number(JsonNode body, String field, long fallback) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return fallback;
    }
    if (!n.canConvertToLong() || !n.isIntegralNumber()) {
      throw new IllegalArgumentException(field + " must be a whole number of "
          + ("resolution".equals(field) ? "seconds" : "unix seconds") + ", got " + n);
    }
    return n.asLong();
  }
}
