package io.peregrine.transfer.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peregrine.common.json.MalformedBatchException;
import io.peregrine.common.json.OpenFalconJson;
import io.peregrine.common.json.ParsedBatch;
import io.peregrine.transfer.receive.Ingest;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * {@code Transfer.Update}: the items, in Open-Falcon's push format, validated and routed like {@code /api/push};
 * answered with Open-Falcon's {@code TransferResponse{Message, Total, Invalid, Latency}} (milliseconds). A batch
 * transfer cannot take (queues full, malformed items array, beyond the limits) is an RPC error.
 */
public final class TransferRpc {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Answered as the RPC's error text. */
  public static final class RpcError extends Exception {
    RpcError(String message) {
      super(message);
    }
  }

  private final OpenFalconJson json;
  private final Ingest ingest;

  public TransferRpc(OpenFalconJson json, Ingest ingest) {
    this.json = json;
    this.ingest = ingest;
  }

  JsonNode update(byte[] items) throws RpcError, IOException {
    long t0 = System.nanoTime();
    ParsedBatch batch;
    try {
      batch = json.parse(new ByteArrayInputStream(items));
    } catch (MalformedBatchException e) {
      throw new RpcError(e.getMessage());
    }
    int accepted;
    try {
      accepted = ingest.routeValidated(batch.samples(), batch.rejects(), true);
    } catch (Ingest.Refused e) {
      throw new RpcError(e.getMessage());
    }
    return MAPPER.createObjectNode()
        .put("Message", accepted > 0 || batch.total() == 0 ? "ok" : "no sample accepted")
        .put("Total", batch.total())
        .put("Invalid", batch.total() - accepted)
        .put("Latency", (System.nanoTime() - t0) / 1_000_000);
  }
}
