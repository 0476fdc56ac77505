package io.peregrine.judge.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.peregrine.common.event.AlertEventJson;
import io.peregrine.common.server.HttpExchanges;
import io.peregrine.judge.ruletest.RuleTestFile;
import io.peregrine.judge.ruletest.RuleTestRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;

/**
 * {@code POST /api/v1/rules/test}: one rule test ({@code peregrine judge test}'s file, docs/RULE-TESTS.md) as a JSON
 * body, run through the same {@link RuleTestRunner} on a simulated clock; touches nothing of the running judge.
 * Answers 200 {@code {"tests", "passed", "failures": [...], "events": [{"test", "at", "event"}]}} whether or not the
 * expectations held; 400 for a body that is not such a file (unknown fields included) or that names more than
 * {@value #MAX_TESTS} tests; 413 past {@value #MAX_BODY_BYTES} bytes; 429 while {@value #MAX_RUNNING} runs are
 * going (each is bounded by the runner's week of simulated clock).
 */
public final class RuleTestHandler implements HttpHandler {
  public static final String PATH = "/api/v1/rules/test";
  static final int MAX_BODY_BYTES = 256 * 1024;
  static final int MAX_TESTS = 20;
  static final int MAX_RUNNING = 2;
  /** Events listed in one answer; the rest are counted in {@code eventsLeftOut}. */
  static final int MAX_EVENTS = 1_000;
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final RuleTestRunner runner = new RuleTestRunner();
  private final Semaphore running = new Semaphore(MAX_RUNNING);

  @Override
  public void handle(HttpExchange ex) throws IOException {
    if (!HttpExchanges.method(ex, "POST")) {
      return;
    }
    RuleTestFile spec;
    try {
      spec = JSON.readValue(HttpExchanges.readBody(ex, MAX_BODY_BYTES), RuleTestFile.class);
    } catch (HttpExchanges.BodyTooLargeException e) {
      error(ex, 413, e.getMessage());
      return;
    } catch (JsonProcessingException e) {
      error(ex, 400, "the body must be a rule test as JSON (docs/RULE-TESTS.md): " + e.getOriginalMessage());
      return;
    }
    if (spec == null || spec.tests() == null || spec.tests().isEmpty()) {
      error(ex, 400, "the body names no tests: give \"tests\": [{\"series\": [...], \"expect\": [...]}]");
      return;
    }
    if (spec.tests().size() > MAX_TESTS) {
      error(ex, 400, spec.tests().size() + " tests in one request; at most " + MAX_TESTS);
      return;
    }
    if (!running.tryAcquire()) {
      ex.getResponseHeaders().set("Retry-After", "1");
      error(ex, 429, MAX_RUNNING + " rule tests are running; try again in a moment");
      return;
    }
    RuleTestRunner.Result r;
    try {
      r = runner.run(spec, Path.of("request"));
    } finally {
      running.release();
    }
    HttpExchanges.json(ex, 200, answer(r).toString());
  }

  private static ObjectNode answer(RuleTestRunner.Result r) throws IOException {
    ObjectNode out = JSON.createObjectNode().put("tests", r.tests()).put("passed", r.passed());
    ArrayNode failures = out.putArray("failures");
    r.failures().forEach(failures::add);
    ArrayNode events = out.putArray("events");
    for (RuleTestRunner.Fired f : r.fired().subList(0, Math.min(MAX_EVENTS, r.fired().size()))) {
      events.addObject().put("test", f.test()).put("at", f.at())
          .set("event", JSON.readTree(AlertEventJson.write(f.event())));
    }
    out.put("eventsLeftOut", Math.max(0, r.fired().size() - MAX_EVENTS));
    return out;
  }

  private static void error(HttpExchange ex, int status, String message) throws IOException {
    HttpExchanges.json(ex, status, JSON.createObjectNode().put("error", message).toString());
  }
}
