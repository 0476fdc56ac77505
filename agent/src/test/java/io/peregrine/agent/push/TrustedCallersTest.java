package io.peregrine.agent.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedCallersTest {
  @Test
  void loopbackListedIpsAndBlocksAreTrustedOthersNot() {
    TrustedCallers t = new TrustedCallers(List.of("10.1.2.3", "192.168.0.0/16", "2001:db8::/32"));
    assertThat(t.allows(InetAddresses.forString("127.0.0.1"))).isTrue();
    assertThat(t.allows(InetAddresses.forString("::1"))).isTrue();
    assertThat(t.allows(InetAddresses.forString("10.1.2.3"))).isTrue();
    assertThat(t.allows(InetAddresses.forString("10.1.2.4"))).isFalse();
    assertThat(t.allows(InetAddresses.forString("192.168.200.7"))).isTrue();
    assertThat(t.allows(InetAddresses.forString("192.169.0.1"))).isFalse();
    assertThat(t.allows(InetAddresses.forString("2001:db8:1::5"))).isTrue();
    assertThat(t.allows(InetAddresses.forString("2001:db9::5"))).isFalse();
  }

  @Test
  void hbsExtendsTheLocalListAndEachHeartbeatReplacesItsOwnPart() {
    TrustedCallers t = new TrustedCallers(List.of("10.0.0.1"));
    t.replaceFromHbs(List.of("10.0.0.2", "not an ip", "172.16.0.0/12"));
    assertThat(t.allows(InetAddresses.forString("10.0.0.2"))).isTrue();
    assertThat(t.allows(InetAddresses.forString("172.20.1.1"))).isTrue();
    t.replaceFromHbs(List.of());
    assertThat(t.allows(InetAddresses.forString("10.0.0.2"))).isFalse();
    assertThat(t.allows(InetAddresses.forString("10.0.0.1"))).isTrue();
  }

  @Test
  void badEntriesFailWithTheFieldAndValue() {
    assertThatThrownBy(() -> new TrustedCallers(List.of("example.com")))
        .hasMessageContaining("agent.trustedIps").hasMessageContaining("example.com");
    assertThatThrownBy(() -> new TrustedCallers(List.of("10.0.0.0/33"))).hasMessageContaining("prefix");
  }
}
