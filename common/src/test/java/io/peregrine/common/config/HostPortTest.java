package io.peregrine.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {

  @Test
  void parsesIpv4AndPort() {
    assertThat(HostPort.parse("10.0.0.1:6060")).isEqualTo(new HostPort("10.0.0.1", 6060));
  }

  @Test
  void parsesAHostName() {
    assertThat(HostPort.parse("graph-0.graph.monitoring.svc:6070"))
        .isEqualTo(new HostPort("graph-0.graph.monitoring.svc", 6070));
  }

  @Test
  void parsesBracketedIpv6AndWritesItBack() {
    HostPort hp = HostPort.parse("[::1]:80");
    assertThat(hp).isEqualTo(new HostPort("::1", 80));
    assertThat(hp.toString()).isEqualTo("[::1]:80");
    assertThat(HostPort.parse("[fe80::1:2]:6060").host()).isEqualTo("fe80::1:2");
  }

  @Test
  void acceptsPortZeroForListeningOnAFreePort() {
    assertThat(HostPort.parse("127.0.0.1:0").port()).isZero();
  }

  @Test
  void acceptsTheHighestPort() {
    assertThat(HostPort.parse("h:65535").port()).isEqualTo(65535);
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "localhost:", ":80", "[::1]", "[::1]:", "[]:80"})
  void rejectsAMissingHostOrPortNamingTheKeyAndText(String text) {
    assertThatThrownBy(() -> HostPort.parse("transfer.grpcListen", text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("transfer.grpcListen must be host:port").hasMessageContaining("'" + text + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  "})
  void rejectsNothing(String text) {
    assertThatThrownBy(() -> HostPort.parse("x.listen", text)).hasMessageContaining("x.listen must be host:port");
    assertThatThrownBy(() -> HostPort.parse("x.listen", null)).hasMessageContaining("got nothing");
  }

  @ParameterizedTest
  @CsvSource({"host:http, not a number", "host:6o6o, not a number", "host:65536, outside 0..65535",
      "host:-1, outside 0..65535", "host:99999999999, not a number"})
  void rejectsABadPort(String text, String why) {
    assertThatThrownBy(() -> HostPort.parse("graph.listen", text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("graph.listen").hasMessageContaining(why).hasMessageContaining("'" + text + "'");
  }

  @Test
  void checksUseTheKeyName() {
    assertThatThrownBy(() -> Checks.address("hbs.listen", "nope")).hasMessageContaining("hbs.listen");
    assertThat(Checks.address("hbs.listen", "0.0.0.0:6031")).isEqualTo("0.0.0.0:6031");
  }
}
