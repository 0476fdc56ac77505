package io.peregrine.sender.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Signed links: valid until their end, and any change to id, end or signature (or another key) breaks them. */
class AckLinksTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";
  private static final long NOW = 1_800_000_000L;
  private final AckLinks links = new AckLinks("https://sender.example.com/", SECRET, Duration.ofHours(24));

  private static Map<String, String> params(String link) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String kv : URI.create(link).getRawQuery().split("&")) {
      String[] p = kv.split("=", 2);
      out.put(p[0], URLDecoder.decode(p[1], StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void aLinkWorksUntilItsEnd() {
    String link = links.link("s_3_abc", NOW);
    assertThat(link).startsWith("https://sender.example.com/ack?id=s_3_abc&exp=" + (NOW + 86_400) + "&sig=");
    Map<String, String> p = params(link);
    assertThat(links.check(p.get("id"), p.get("exp"), p.get("sig"), NOW)).isEqualTo(AckLinks.Check.VALID);
    assertThat(links.check(p.get("id"), p.get("exp"), p.get("sig"), NOW + 86_399)).isEqualTo(AckLinks.Check.VALID);
    assertThat(links.check(p.get("id"), p.get("exp"), p.get("sig"), NOW + 86_400)).isEqualTo(AckLinks.Check.EXPIRED);
  }

  @Test
  void anyChangeBreaksTheSignature() {
    Map<String, String> p = params(links.link("s_3_abc", NOW));
    String id = p.get("id");
    String exp = p.get("exp");
    String sig = p.get("sig");
    assertThat(links.check("s_3_abd", exp, sig, NOW)).isEqualTo(AckLinks.Check.TAMPERED);
    // a later end is refused, even though an earlier check would have said "expired" only later
    assertThat(links.check(id, Long.toString(NOW + 999_999), sig, NOW)).isEqualTo(AckLinks.Check.TAMPERED);
    assertThat(links.check(id, exp, sig.substring(1), NOW)).isEqualTo(AckLinks.Check.TAMPERED);
    assertThat(links.check(id, exp, sig.toUpperCase(), NOW)).isEqualTo(AckLinks.Check.TAMPERED);
    assertThat(links.check(id, "x", sig, NOW)).isEqualTo(AckLinks.Check.TAMPERED);
    assertThat(links.check(id, exp, null, NOW)).isEqualTo(AckLinks.Check.TAMPERED);
    assertThat(links.check(null, exp, sig, NOW)).isEqualTo(AckLinks.Check.TAMPERED);
    AckLinks otherKey = new AckLinks("https://sender.example.com", SECRET.replace('0', '1'), Duration.ofHours(24));
    assertThat(otherKey.check(id, exp, sig, NOW)).isEqualTo(AckLinks.Check.TAMPERED);
    // an expired link that was also changed says "not valid", not "expired"
    assertThat(links.check("s_3_abd", exp, sig, NOW + 90_000)).isEqualTo(AckLinks.Check.TAMPERED);
  }

  @Test
  void shortSecretsAndBadUrlsAreRefusedAtLoad() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LifecycleConfig(null, null, "short", "", null))
        .hasMessageContaining("sender.lifecycle.ackSecret must be at least 32 characters (it is 5)");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LifecycleConfig(null, null, "", "ftp://x", null))
        .hasMessageContaining("sender.lifecycle.ackUrl must be an http:// or https:// URL");
    assertThat(new LifecycleConfig(null, null, SECRET, "", null).links()).isFalse();
    assertThat(new LifecycleConfig(null, null, SECRET, "http://s:6066", null).links()).isTrue();
  }
}
