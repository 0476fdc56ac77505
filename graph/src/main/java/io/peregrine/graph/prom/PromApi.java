package io.peregrine.graph.prom;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.peregrine.common.model.PromNames;
import io.peregrine.common.model.Tags;
import io.peregrine.common.server.HttpExchanges;
import io.peregrine.graph.store.GraphStore;
import io.peregrine.graph.store.IndexView;
import io.peregrine.graph.store.QueryResult;
import io.peregrine.graph.store.SeriesMeta;
import io.peregrine.proto.v1.Consolidation;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A Prometheus HTTP API subset over graph's series, enough for Grafana's Prometheus data source: instant
 * ({@code /api/v1/query}) and range ({@code /api/v1/query_range}) queries of instant vector selectors,
 * {@code /api/v1/series}, {@code /api/v1/labels}, {@code /api/v1/label/<name>/values}.
 *
 * <p>A series' labels are {@code __name__} (its metric, mapped by {@link PromNames}), {@code endpoint} and its tags.
 * Values come from the AVERAGE archive closest to the query's step; a query_range point at time t is the newest
 * archive point at or before t within the lookback (5 minutes, or the archive's step when coarser), as Prometheus
 * evaluates. Counters are served as the per-second rates graph stores.
 *
 * <p>Limits: 11,000 points per series (Prometheus' own), {@link #MAX_SERIES} series per query (bad_data beyond),
 * series and label answers cut at {@link #MAX_SERIES} with a warning. Errors have Prometheus' shape:
 * {@code {"status":"error","errorType":"bad_data","error":"..."}} with 400.
 */
public final class PromApi {
  static final int MAX_POINTS = 11_000;
  static final int MAX_SERIES = 10_000;
  static final double LOOKBACK_SECONDS = 300;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ARITHMETIC = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*(?:([-+*/])\\s*(\\d+(?:\\.\\d+)?)\\s*)?");

  private final GraphStore store;
  private final Clock clock;

  public PromApi(GraphStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Answers a Prometheus request; {@code path} is the part after {@code /api/v1/}. */
  public void handle(HttpExchange ex, String path) throws IOException {
    if (!"GET".equalsIgnoreCase(ex.getRequestMethod()) && !"POST".equalsIgnoreCase(ex.getRequestMethod())) {
      ex.getResponseHeaders().set("Allow", "GET, POST");
      error(ex, 405, "bad_data", "use GET or POST");
      return;
    }
    try {
      PromParams p = PromParams.of(ex);
      ObjectNode body;
      if (path.equals("query")) {
        body = instant(p);
      } else if (path.equals("query_range")) {
        body = range(p);
      } else if (path.equals("series")) {
        body = series(p);
      } else if (path.equals("labels")) {
        body = labels(p);
      } else if (path.startsWith("label/") && path.endsWith("/values") && path.length() > 13) {
        body = labelValues(p, path.substring(6, path.length() - 7));
      } else {
        error(ex, 404, "not_found", "graph does not serve /api/v1/" + path);
        return;
      }
      HttpExchanges.json(ex, 200, body.toString());
    } catch (IllegalArgumentException e) {
      error(ex, 400, "bad_data", e.getMessage());
    } catch (HttpExchanges.BodyTooLargeException e) {
      error(ex, 413, "bad_data", e.getMessage());
    } catch (RuntimeException | InternalError e) {
      error(ex, 500, "internal", "reading the series failed: " + e);
    }
  }

  private ObjectNode instant(PromParams p) {
    String query = required(p, "query");
    double time = p.time("time", clock.millis() / 1000.0);
    ObjectNode data = JSON.createObjectNode();
    if (literal(query, time, data)) {
      return success(data);
    }
    Selector sel = Selector.parse(query);
    long t = (long) Math.floor(time);
    ArrayNode result = data.put("resultType", "vector").putArray("result");
    for (SeriesMeta m : select(sel, true)) {
      Optional<QueryResult> r = store.query(m.key(), Consolidation.AVERAGE, Math.max(0, t - (long) LOOKBACK_SECONDS),
          t, 0);
      if (r.isEmpty()) {
        continue;
      }
      double[] v = r.get().values();
      long[] ts = r.get().timestamps();
      for (int i = v.length - 1; i >= 0; i--) {
        if (!Double.isNaN(v[i]) && ts[i] <= t) {
          ObjectNode s = result.addObject();
          s.set("metric", labelsOf(m));
          addTime(s.putArray("value"), time).add(format(v[i]));
          break;
        }
      }
    }
    return success(data);
  }

  /** {@code 1+1} and plain numbers, which Grafana sends to test a data source. */
  private static boolean literal(String query, double time, ObjectNode data) {
    var m = ARITHMETIC.matcher(query);
    if (!m.matches()) {
      return false;
    }
    double a = Double.parseDouble(m.group(1));
    double v = m.group(2) == null ? a : switch (m.group(2)) {
      case "+" -> a + Double.parseDouble(m.group(3));
      case "-" -> a - Double.parseDouble(m.group(3));
      case "*" -> a * Double.parseDouble(m.group(3));
      default -> a / Double.parseDouble(m.group(3));
    };
    addTime(data.put("resultType", "scalar").putArray("result"), time).add(format(v));
    return true;
  }

  private ObjectNode range(PromParams p) {
    String query = required(p, "query");
    double start = PromParams.parseTime("start", required(p, "start"));
    double end = PromParams.parseTime("end", required(p, "end"));
    double step = PromParams.parseDuration("step", required(p, "step"));
    if (end < start) {
      throw new IllegalArgumentException("end timestamp must not be before start time");
    }
    if (step <= 0) {
      throw new IllegalArgumentException("zero or negative query resolution step widths are not accepted. Try a "
          + "positive integer");
    }
    if ((end - start) / step > MAX_POINTS) {
      throw new IllegalArgumentException("exceeded maximum resolution of 11,000 points per timeseries. Try "
          + "decreasing the query resolution (?step=XX)");
    }
    if (start < 0) {
      throw new IllegalArgumentException("start must be at or after 1970-01-01");
    }
    Selector sel = Selector.parse(query);
    ObjectNode data = JSON.createObjectNode().put("resultType", "matrix");
    ArrayNode result = data.putArray("result");
    int resolution = (int) Math.max(1, Math.round(step));
    for (SeriesMeta m : select(sel, true)) {
      long from = (long) Math.floor(start) - (long) LOOKBACK_SECONDS;
      // the archive is chosen for the range alone: with graph.rawRows 1440 a day stays at the raw step
      Optional<QueryResult> r = store.queryWithLookback(m.key(), Consolidation.AVERAGE, Math.max(0, from),
          (long) Math.floor(start), (long) Math.floor(end), resolution);
      if (r.isEmpty()) {
        continue;
      }
      ArrayNode values = evaluate(r.get(), start, end, step);
      if (!values.isEmpty()) {
        ObjectNode s = result.addObject();
        s.set("metric", labelsOf(m));
        s.set("values", values);
      }
    }
    return success(data);
  }

  /** At each step, the newest known point at or before it within the lookback. */
  private static ArrayNode evaluate(QueryResult r, double start, double end, double step) {
    ArrayNode out = JSON.createArrayNode();
    long[] ts = r.timestamps();
    double[] v = r.values();
    double lookback = Math.max(LOOKBACK_SECONDS, r.step());
    int i = 0;
    int newest = -1;
    long n = (long) Math.floor((end - start) / step);
    for (long k = 0; k <= n; k++) {
      double t = start + k * step;
      while (i < ts.length && ts[i] <= t) {
        if (!Double.isNaN(v[i])) {
          newest = i;
        }
        i++;
      }
      if (newest >= 0 && ts[newest] > t - lookback) {
        addTime(out.addArray(), t).add(format(v[newest]));
      }
    }
    return out;
  }

  private ObjectNode series(PromParams p) {
    List<String> matches = p.all("match[]");
    if (matches.isEmpty()) {
      throw new IllegalArgumentException("no match[] parameter provided");
    }
    ArrayNode data = JSON.createArrayNode();
    Set<String> seen = new TreeSet<>();
    boolean cut = false;
    for (String match : matches) {
      for (SeriesMeta m : select(Selector.parse(match), false)) {
        if (seen.size() >= MAX_SERIES) {
          cut = true;
          break;
        }
        if (seen.add(m.key())) {
          data.add(labelsOf(m));
        }
      }
    }
    ObjectNode body = JSON.createObjectNode().put("status", "success");
    body.set("data", data);
    if (cut) {
      body.putArray("warnings").add("more than " + MAX_SERIES + " series matched; the answer holds the first "
          + MAX_SERIES);
    }
    return body;
  }

  private ObjectNode labels(PromParams p) {
    IndexView index = store.index();
    Set<String> names = new TreeSet<>();
    List<String> matches = p.all("match[]");
    if (matches.isEmpty()) {
      names.addAll(index.labelNames());
    } else {
      for (String match : matches) {
        for (SeriesMeta m : select(Selector.parse(match), false)) {
          labelsOf(m).fieldNames().forEachRemaining(names::add);
        }
      }
    }
    return success(strings(names));
  }

  private ObjectNode labelValues(PromParams p, String name) {
    IndexView index = store.index();
    Set<String> values = new TreeSet<>();
    List<String> matches = p.all("match[]");
    if (matches.isEmpty()) {
      values.addAll(index.labelValues(name));
    } else {
      for (String match : matches) {
        for (SeriesMeta m : select(Selector.parse(match), false)) {
          var v = labelsOf(m).get(name);
          if (v != null) {
            values.add(v.asText());
          }
        }
      }
    }
    if (values.size() > MAX_SERIES) {
      values = new TreeSet<>(List.copyOf(values).subList(0, MAX_SERIES));
    }
    return success(strings(values));
  }

  /**
   * The series a selector matches. With an exact metric name the candidates come from the index's reverse map;
   * otherwise every series is tested.
   *
   * @param limited refuse selectors matching more than {@link #MAX_SERIES} series (queries read each one)
   */
  private List<SeriesMeta> select(Selector sel, boolean limited) {
    IndexView index = store.index();
    String name = sel.exactName();
    Collection<SeriesMeta> candidates = new ArrayList<>();
    if (name != null) {
      for (String key : index.byPromName(name)) {
        SeriesMeta m = index.get(key);
        if (m != null) {
          candidates.add(m);
        }
      }
    } else {
      for (SeriesMeta m : index.all()) {
        candidates.add(m);
      }
    }
    List<SeriesMeta> out = new ArrayList<>();
    for (SeriesMeta m : candidates) {
      if (sel.matches(labelMap(m))) {
        if (limited && out.size() == MAX_SERIES) {
          throw new IllegalArgumentException("the selector matches more than " + MAX_SERIES + " series; narrow it "
              + "with label matchers");
        }
        out.add(m);
      }
    }
    out.sort((a, b) -> a.key().compareTo(b.key()));
    return out;
  }

  static Map<String, String> labelMap(SeriesMeta m) {
    Map<String, String> labels = new TreeMap<>();
    for (Map.Entry<String, String> t : Tags.toMap(m.tags()).entrySet()) {
      labels.put(PromNames.label(t.getKey()), t.getValue());
    }
    labels.put("__name__", PromNames.metric(m.metric()));
    labels.put("endpoint", m.endpoint());
    return labels;
  }

  private static ObjectNode labelsOf(SeriesMeta m) {
    ObjectNode o = JSON.createObjectNode();
    labelMap(m).forEach(o::put);
    return o;
  }

  private static ArrayNode strings(Collection<String> values) {
    ArrayNode a = JSON.createArrayNode();
    values.forEach(a::add);
    return a;
  }

  private static String required(PromParams p, String name) {
    String v = p.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("invalid parameter \"" + name + "\": missing");
    }
    return v.trim();
  }

  /** Prometheus writes sample values as strings: integers without a fraction, NaN and +Inf/-Inf spelled so. */
  static String format(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  /** Whole seconds as integers (1700000000, not 1.7E9), fractions as they are. */
  private static ArrayNode addTime(ArrayNode a, double t) {
    return t == Math.rint(t) ? a.add((long) t) : a.add(t);
  }

  private static ObjectNode success(com.fasterxml.jackson.databind.JsonNode data) {
    ObjectNode body = JSON.createObjectNode().put("status", "success");
    body.set("data", data);
    return body;
  }

  private static void error(HttpExchange ex, int status, String type, String message) throws IOException {
    HttpExchanges.json(ex, status, JSON.createObjectNode().put("status", "error").put("errorType", type)
        .put("error", message).toString());
  }
}
