package io.peregrine.transfer.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peregrine.common.json.MalformedBatchException;
import io.peregrine.common.json.OpenFalconWireJson;
import io.peregrine.transfer.receive.Ingest;
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

  private final Ingest ingest;

  public TransferRpc(Ingest ingest) {
    this.ingest = ingest;
  }

  JsonNode update(byte[] items) throws RpcError, IOException {
    long t0 = System.nanoTime();
    OpenFalconWireJson.Result batch;
    try {
      batch = ingest.pushJson(items, 0, items.length, true);
    } catch (MalformedBatchException | Ingest.Refused e) {
      throw new RpcError(e.getMessage());
    }
    int accepted = batch.accepted();
    return MAPPER.createObjectNode()
        .put("Message", accepted > 0 || batch.total() == 0 ? "ok" : "no sample accepted")
        .put("Total", batch.total())
        .put("Invalid", batch.total() - accepted)
        .put("Latency", (System.nanoTime() - t0) / 1_000_000);
  }
}
