package io.peregrine.common.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peregrine.proto.v1.RejectCode;
import java.util.List;
import org.junit.jupiter.api.Test;

class PushSummaryJsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void summarisesAcceptedAndRejectedItemsKeepingOpenFalconsInvalidCount() throws Exception {
    JsonNode n = MAPPER.readTree(PushSummaryJson.of(3, 2,
        List.of(OpenFalconJson.reject(1, RejectCode.BAD_STEP, "step 0 is outside 1..86400 seconds"))));
    assertThat(n.get("message").asText()).isEqualTo("ok");
    assertThat(n.get("total").asInt()).isEqualTo(3);
    assertThat(n.get("accepted").asInt()).isEqualTo(2);
    assertThat(n.get("invalid").asInt()).isEqualTo(1);
    JsonNode r = n.get("rejects").get(0);
    assertThat(r.get("index").asInt()).isEqualTo(1);
    assertThat(r.get("code").asText()).isEqualTo("BAD_STEP");
    assertThat(r.get("reason").asText()).contains("step 0");
  }

  @Test
  void saysSoWhenNothingWasAccepted() throws Exception {
    assertThat(MAPPER.readTree(PushSummaryJson.of(2, 0, List.of())).get("message").asText())
        .isEqualTo("no sample accepted");
    assertThat(MAPPER.readTree(PushSummaryJson.of(0, 0, List.of())).get("message").asText()).isEqualTo("ok");
  }

  @Test
  void writesErrorsAsEscapedJson() throws Exception {
    assertThat(MAPPER.readTree(PushSummaryJson.error("bad \"quote\"")).get("error").asText())
        .isEqualTo("bad \"quote\"");
  }
}
