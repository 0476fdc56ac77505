package io.peregrine.bench.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 connection: its sending thread posts a batch and blocks for the answer (HTTP/1.1 does not pipeline,
 * so the window is one). Transfer answers 200 (some accepted) or 400 (none accepted) with a summary
 * {@code {"accepted":A,"invalid":K,"rejects":[{"index","code","reason"}]}}; anything else fails the request.
 */
final class HttpConnection implements PushConnection {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SNIPPET = 200;

  private final int id;
  private final HttpPushClient http;
  private final BatchPool pool;
  private final PushCounters counters;

  HttpConnection(int id, HttpPushClient http, BatchPool pool, PushCounters counters) {
    this.id = id;
    this.http = http;
    this.pool = pool;
    this.counters = counters;
  }

  @Override
  public void send(int index, Completion completion) {
    int samples = pool.samples(index);
    long start = counters.sent(samples);
    boolean ok;
    try {
      HttpResponse<byte[]> response = http.client().send(http.request(index), HttpResponse.BodyHandlers.ofByteArray());
      ok = count(response, start, samples);
    } catch (HttpTimeoutException e) {
      counters.failed(start, samples, "TIMEOUT", e.getMessage());
      ok = false;
    } catch (IOException e) {
      counters.failed(start, samples, e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
      ok = false;
    } catch (InterruptedException e) {
      counters.failed(start, samples, "INTERRUPTED", "the sending thread was interrupted");
      Thread.currentThread().interrupt();
      ok = false;
    }
    completion.done(ok);
  }

  private boolean count(HttpResponse<byte[]> response, long start, int samples) {
    int status = response.statusCode();
    JsonNode summary = status == 200 || status == 400 ? parse(response.body()) : null;
    if (summary == null || !summary.path("accepted").isNumber()) {
      counters.failed(start, samples, "HTTP_" + status, snippet(response.body()));
      return false;
    }
    long accepted = summary.path("accepted").asLong();
    long invalid = summary.path("invalid").asLong(samples - accepted);
    counters.answered(id, start, accepted, invalid);
    for (JsonNode r : summary.path("rejects")) {
      counters.reject(start, r.path("code").asText("UNKNOWN"), "sample " + r.path("index").asInt() + ": "
          + r.path("reason").asText(""));
    }
    return true;
  }

  private static JsonNode parse(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static String snippet(byte[] body) {
    String text = new String(body, 0, Math.min(body.length, SNIPPET), StandardCharsets.UTF_8);
    return body.length > SNIPPET ? text + "..." : text;
  }

  /** Connections are the shared client's; nothing of its own to release. */
  @Override
  public void close() {}
}
