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

/**
 * Open-Falcon's {@code POST /api/push}: a JSON array of samples. Answers 200 with a summary listing each refused
 * item by index when at least one was accepted or the batch was empty, 400 when none was, 400 for a body that is not
 * a JSON array, 413 beyond the size limits.
 */
public final class HttpPushHandler implements HttpHandler {
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
    int accepted = ingest.routeValidated(batch.samples(), batch.indexes(), batch.rejects());
    int status = accepted > 0 || batch.total() == 0 ? 200 : 400;
    HttpExchanges.json(ex, status, PushSummaryJson.of(batch.total(), accepted, batch.rejects()));
  }
}
