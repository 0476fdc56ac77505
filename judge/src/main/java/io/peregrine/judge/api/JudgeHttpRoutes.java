package io.peregrine.judge.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.peregrine.common.model.SeriesKey;
import io.peregrine.common.model.Tags;
import io.peregrine.common.server.HttpExchanges;
import io.peregrine.common.server.HttpServerHost;
import io.peregrine.judge.eval.HistoryStore;
import io.peregrine.judge.eval.HistorySnapshot;
import io.peregrine.judge.expr.ExprJudge;
import io.peregrine.judge.strategy.StrategySource;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * The judge's HTTP API (reads only; the rule test runs on its own simulated clock):
 * <ul>
 *   <li>{@code GET /api/v1/strategies}: the strategy set in use (per host), the unpaused expressions, and what was
 *       skipped and why; {@code multiMetric} lists the multi-metric expressions in use and the ones skipped;
 *   <li>{@code GET /api/v1/history?endpoint=&metric=&tags=}: the kept raw points of one series, newest first
 *       (404 when the judge keeps nothing for it; tags in any order, canonicalised);
 *   <li>{@code POST /api/v1/rules/test}: a rule test run, {@link RuleTestHandler}.
 * </ul>
 */
public final class JudgeHttpRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StrategySource strategies;
  private final HistoryStore history;
  private final ExprJudge expressions;

  public JudgeHttpRoutes(StrategySource strategies, HistoryStore history) {
    this(strategies, history, null);
  }

  /** @param expressions the multi-metric expressions judge; null for none */
  public JudgeHttpRoutes(StrategySource strategies, HistoryStore history, ExprJudge expressions) {
    this.strategies = strategies;
    this.history = history;
    this.expressions = expressions;
  }

  public void addTo(HttpServerHost http) {
    http.route("/api/v1/strategies", this::strategies);
    http.route("/api/v1/history", this::history);
    http.route(RuleTestHandler.PATH, new RuleTestHandler());
  }

  private void strategies(HttpExchange ex) throws IOException {
    if (!HttpExchanges.method(ex, "GET")) {
      return;
    }
    ObjectNode body = strategies.get().toJson();
    body.put("loaded", strategies.loaded());
    if (expressions != null) {
      body.set("multiMetric", expressions.toJson());
    }
    HttpExchanges.json(ex, 200, body.toString());
  }

  private void history(HttpExchange ex) throws IOException {
    if (!HttpExchanges.method(ex, "GET")) {
      return;
    }
    Map<String, String> q = HttpExchanges.query(ex);
    String endpoint = q.getOrDefault("endpoint", "");
    String metric = q.getOrDefault("metric", "");
    if (endpoint.isEmpty() || metric.isEmpty()) {
      error(ex, 400, "endpoint and metric are required: /api/v1/history?endpoint=host1&metric=cpu.idle&tags=k=v");
      return;
    }
    String tags;
    try {
      tags = Tags.canonical(q.getOrDefault("tags", ""));
    } catch (IllegalArgumentException e) {
      error(ex, 400, "tags: " + e.getMessage());
      return;
    }
    String key = SeriesKey.of(endpoint, metric, tags);
    Optional<HistorySnapshot> snapshot = history.snapshot(endpoint, metric, tags);
    if (snapshot.isEmpty()) {
      ObjectNode body = JSON.createObjectNode().put("series", key).put("found", false);
      HttpExchanges.json(ex, 404, body.toString());
      return;
    }
    ObjectNode body = JSON.valueToTree(snapshot.get());
    body.put("found", true);
    HttpExchanges.json(ex, 200, body.toString());
  }

  private static void error(HttpExchange ex, int status, String message) throws IOException {
    HttpExchanges.json(ex, status, JSON.createObjectNode().put("error", message).toString());
  }
}
