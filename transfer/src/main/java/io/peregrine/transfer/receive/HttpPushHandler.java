package io.peregrine.transfer.receive;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.peregrine.common.json.MalformedBatchException;
import io.peregrine.common.json.OpenFalconJson;
import io.peregrine.common.json.ParsedBatch;
import io.peregrine.common.json.PushSummaryJson;
import io.peregrine.common.model.Limits;
import io.peregrine.common.server.HttpExchanges;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open-Falcon's {@code POST /api/push}: a JSON array of samples. Answers 200 with a summary listing each refused
 * item by index when at least one was accepted or the batch was empty, 400 when none was, 400 for a body that is not
 * a JSON array, 413 beyond the size limits, 429 with {@code Retry-After} when a destination's queues are full
 * (nothing of the batch was taken), 503 when a disk queue failed.
 */
public final class HttpPushHandler implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(HttpPushHandler.class);
  static final String RETRY_AFTER_SECONDS = "1";

  private final OpenFalconJson json;
  private final Ingest ingest;

  public HttpPushHandler(OpenFalconJson json, Ingest ingest) {
    this.json = json;
    this.ingest = ingest;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    if (!HttpExchanges.method(ex, "POST")) {
      return;
    }
    byte[] body = HttpExchanges.readBody(ex, Limits.MAX_MESSAGE_BYTES);
    ParsedBatch batch;
    try {
      batch = json.parse(new ByteArrayInputStream(body));
    } catch (MalformedBatchException e) {
      HttpExchanges.json(ex, e.tooLarge() ? 413 : 400, PushSummaryJson.error(e.getMessage()));
      return;
    }
    int accepted;
    try {
      accepted = ingest.routeValidated(batch.samples(), batch.rejects(), false);
    } catch (Ingest.Refused e) {
      ex.getResponseHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
      HttpExchanges.json(ex, 429, PushSummaryJson.error(e.getMessage()));
      return;
    } catch (IOException e) {
      log.error("transfer: writing a disk queue failed", e);
      ex.getResponseHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
      HttpExchanges.json(ex, 503, PushSummaryJson.error("transfer could not write its disk queue: "
          + e.getMessage()));
      return;
    }
    int status = accepted > 0 || batch.total() == 0 ? 200 : 400;
    HttpExchanges.json(ex, status, PushSummaryJson.of(batch.total(), accepted, batch.rejects()));
  }
}
