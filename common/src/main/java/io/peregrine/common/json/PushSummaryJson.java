package io.peregrine.common.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peregrine.proto.v1.Reject;
import java.util.List;

/**
 * The JSON answer of the HTTP push endpoints: {@code {"message":"ok","total":T,"accepted":A,"invalid":K,
 * "rejects":[{"index":i,"code":"BAD_STEP","reason":"..."}]}}. "invalid" keeps Open-Falcon's word for the count.
 */
public final class PushSummaryJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private PushSummaryJson() {}

  public static String of(int total, int accepted, List<Reject> rejects) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("message", accepted > 0 || total == 0 ? "ok" : "no sample accepted");
    root.put("total", total);
    root.put("accepted", accepted);
    root.put("invalid", total - accepted);
    ArrayNode list = root.putArray("rejects");
    for (Reject r : rejects) {
      list.addObject().put("index", r.getIndex()).put("code", r.getCode().name()).put("reason", r.getReason());
    }
    return root.toString();
  }

  public static String error(String message) {
    return MAPPER.createObjectNode().put("error", message).toString();
  }
}
