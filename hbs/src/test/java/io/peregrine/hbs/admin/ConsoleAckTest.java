package io.peregrine.hbs.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.peregrine.hbs.auth.Scope;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Acknowledging through the console proxy: an editor's act, in the signed-in user's name. */
class ConsoleAckTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void anAckNeedsWriteAndOtherSenderWritesAdmin() {
    assertThat(ConsoleProxy.need("sender", "POST", "api/v1/incidents/s_3_abc/ack")).isEqualTo(Scope.WRITE);
    assertThat(ConsoleProxy.need("sender", "POST", "api/v1/dead-letters/replay")).isEqualTo(Scope.ADMIN);
    assertThat(ConsoleProxy.need("sender", "POST", "api/v1/incidents/s_3_abc/ack/more")).isEqualTo(Scope.ADMIN);
    assertThat(ConsoleProxy.need("graph", "POST", "api/v1/incidents/s_3_abc/ack")).isEqualTo(Scope.ADMIN);
    assertThat(ConsoleProxy.need("sender", "GET", "api/v1/incidents/s_3_abc")).isEqualTo(Scope.READ);
  }

  @Test
  void theAckIsInTheSignedInUsersName() throws Exception {
    byte[] out = ConsoleAck.body("{\"by\":\"mallory\",\"comment\":\"on it\"}".getBytes(StandardCharsets.UTF_8), "ed");
    assertThat(JSON.readTree(out).get("by").asText()).isEqualTo("ed");
    assertThat(JSON.readTree(out).get("comment").asText()).isEqualTo("on it");
    assertThat(JSON.readTree(ConsoleAck.body(new byte[0], "ed")).get("by").asText()).isEqualTo("ed");
    assertThatThrownBy(() -> ConsoleAck.body("[1]".getBytes(StandardCharsets.UTF_8), "ed"))
        .isInstanceOf(ApiException.class).hasMessageContaining("JSON object");
    assertThatThrownBy(() -> ConsoleAck.body("{".getBytes(StandardCharsets.UTF_8), "ed"))
        .isInstanceOf(ApiException.class).hasMessageContaining("must be JSON");
  }
}
