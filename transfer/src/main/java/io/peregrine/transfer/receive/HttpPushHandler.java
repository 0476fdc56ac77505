package io.peregrine.transfer.receive;

import io.peregrine.common.http.HttpAnswer;
import io.peregrine.common.http.HttpCall;
import io.peregrine.common.http.HttpRoute;
import io.peregrine.common.json.MalformedBatchException;
import io.peregrine.common.json.OpenFalconWireJson;
import io.peregrine.common.json.PushSummaryJson;
import io.peregrine.common.model.Limits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open-Falcon's {@code POST /api/push}: a JSON array of samples. Answers 200 with a summary listing each refused
 * item by index when at least one was accepted or the batch was empty, 400 when none was, 400 for a body that is not
 * a JSON array, 413 beyond the size limits, 429 with {@code Retry-After} when a destination's queues are full
 * (nothing of the batch was taken), 503 when a disk queue failed, 405 for another method.
 */
public final class HttpPushHandler implements HttpRoute {
  private static final Logger log = LoggerFactory.getLogger(HttpPushHandler.class);
  static final String RETRY_AFTER_SECONDS = "1";

  private final Ingest ingest;
  // the 200 answer when nothing was refused, by item count, made once per count: agents send a few sizes
  private final AtomicReferenceArray<HttpAnswer> allTaken = new AtomicReferenceArray<>(Limits.MAX_BATCH_SAMPLES + 1);

  public HttpPushHandler(Ingest ingest) {
    this.ingest = ingest;
  }

  @Override
  public HttpAnswer handle(HttpCall call) {
    if (!call.method().equals("POST")) {
      return HttpAnswer.json(405, "{\"error\":\"use POST\"}").withHeader("Allow", "POST");
    }
    OpenFalconWireJson.Result batch;
    try {
      batch = ingest.pushJson(call.body(), 0, call.length(), false);
    } catch (MalformedBatchException e) {
      return HttpAnswer.json(e.tooLarge() ? 413 : 400, PushSummaryJson.error(e.getMessage()));
    } catch (Ingest.Refused e) {
      return HttpAnswer.json(429, PushSummaryJson.error(e.getMessage())).withHeader("Retry-After",
          RETRY_AFTER_SECONDS);
    } catch (IOException e) {
      log.error("transfer: writing a disk queue failed", e);
      return HttpAnswer.json(503, PushSummaryJson.error("transfer could not write its disk queue: "
          + e.getMessage())).withHeader("Retry-After", RETRY_AFTER_SECONDS);
    }
    int accepted = batch.accepted();
    if (batch.rejects().isEmpty() && batch.total() < allTaken.length()) {
      HttpAnswer answer = allTaken.get(batch.total());
      if (answer == null) {
        answer = HttpAnswer.json(200, allTaken(batch.total()));
        allTaken.set(batch.total(), answer);
      }
      return answer;
    }
    int status = accepted > 0 || batch.total() == 0 ? 200 : 400;
    return HttpAnswer.json(status, batch.rejects().isEmpty() ? allTaken(batch.total())
        : PushSummaryJson.of(batch.total(), accepted, batch.rejects()).getBytes(StandardCharsets.UTF_8));
  }

  /** {@link PushSummaryJson#of} when nothing was refused, without building a JSON tree per request. */
  static byte[] allTaken(int total) {
    return ("{\"message\":\"ok\",\"total\":" + total + ",\"accepted\":" + total + ",\"invalid\":0,\"rejects\":[]}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
