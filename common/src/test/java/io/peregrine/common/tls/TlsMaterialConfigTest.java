package io.peregrine.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peregrine.common.config.ConfigException;
import io.peregrine.common.config.ConfigLoader;
import io.peregrine.common.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tls block's rules, and the errors a wrong file gives at start. */
class TlsMaterialConfigTest {
  @TempDir Path dir;

  /** A section holding a tls block, as every component's does. */
  public record Section(String listen, TlsConfig tls) {}

  public record Root(Section demo) {}

  private static Root defaults() {
    return new Root(new Section("127.0.0.1:0", TlsConfig.off()));
  }

  @Test
  void offByDefaultAndReadFromFileAndEnvironment() throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"), """
        demo:
          tls:
            server: true
            cert: /etc/tls/tls.crt
            key: /etc/tls/tls.key
            ca: /etc/tls/ca.crt
            clientAuth: require
            reloadInterval: 10s
        """);
    ConfigLoader loader = new ConfigLoader();
    assertThat(loader.load(null, Root.class, defaults(), Map.of()).demo().tls()).isEqualTo(TlsConfig.off());
    TlsConfig tls = loader.load(file, Root.class, defaults(), Map.of("PEREGRINE_DEMO_TLS_CLIENT", "true",
        "PEREGRINE_DEMO_TLS_SERVER_NAME", "hbs.peregrine.svc")).demo().tls();
    assertThat(tls.server()).isTrue();
    assertThat(tls.client()).isTrue();
    assertThat(tls.clientAuth()).isEqualTo(ClientAuth.REQUIRE);
    assertThat(tls.serverName()).isEqualTo("hbs.peregrine.svc");
    assertThat(tls.reloadInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(tls.clientAuthForHttp()).as("unset: the same as clientAuth").isEqualTo(ClientAuth.REQUIRE);
    TlsConfig http = loader.load(file, Root.class, defaults(), Map.of("PEREGRINE_DEMO_TLS_HTTP_CLIENT_AUTH",
        "optional")).demo().tls();
    assertThat(http.clientAuth()).isEqualTo(ClientAuth.REQUIRE);
    assertThat(http.clientAuthForHttp()).isEqualTo(ClientAuth.OPTIONAL);
    assertThat(loader.environmentNames(defaults())).contains("PEREGRINE_DEMO_TLS_CLIENT_AUTH",
        "PEREGRINE_DEMO_TLS_CERT");
  }

  @Test
  void wrongValuesFailAtLoadWithTheKey() throws Exception {
    Path file = Files.writeString(dir.resolve("c.yaml"), "demo:\n  tls:\n    clientAuth: always\n");
    assertThatThrownBy(() -> new ConfigLoader().load(file, Root.class, defaults(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("demo.tls")
        .hasMessageContaining("none, optional or require");
    assertThatThrownBy(() -> new TlsConfig(true, false, "", "", "", ClientAuth.NONE, null, "", null))
        .hasMessageContaining("tls.server needs tls.cert and tls.key");
    assertThatThrownBy(() -> TlsConfig.server("a.crt", "a.key", "", ClientAuth.REQUIRE))
        .hasMessageContaining("needs tls.ca");
    assertThatThrownBy(() -> TlsConfig.client("", "a.crt", ""))
        .hasMessageContaining("tls.cert and tls.key go together");
  }

  @Test
  void aMissingFileFailsAtStartWithItsPath() {
    assertThatThrownBy(() -> new TlsMaterial("demo", TlsConfig.server(dir + "/none.crt", dir + "/none.key", "",
        ClientAuth.NONE), null)).isInstanceOf(TlsException.class).hasMessageContaining("none.crt does not exist");
  }

  @Test
  void aPkcs1KeySaysHowToGetPkcs8() throws Exception {
    TestCertificates.Issued leaf = TestCertificates.newCa("ca").issue("x");
    TestCertificates.Files2 files = leaf.writeTo(dir, "x");
    Files.writeString(files.key(), TestCertificates.pem("EC PRIVATE KEY", new byte[] {1, 2, 3}));
    assertThatThrownBy(() -> new TlsMaterial("demo", TlsConfig.server(files.cert().toString(),
        files.key().toString(), "", ClientAuth.NONE), null))
        .isInstanceOf(TlsException.class).hasMessageContaining("'EC PRIVATE KEY'")
        .hasMessageContaining("privateKey.encoding: PKCS8");
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() throws Exception {
    TestCertificates.Ca ca = TestCertificates.newCa("ca");
    TestCertificates.Files2 a = ca.issue("a").writeTo(dir, "a");
    TestCertificates.Files2 b = ca.issue("b").writeTo(dir, "b");
    assertThatThrownBy(() -> new TlsMaterial("demo", TlsConfig.server(a.cert().toString(), b.key().toString(),
        "", ClientAuth.NONE), null)).isInstanceOf(TlsException.class)
        .hasMessageContaining("is not the private key of the certificate");
  }

  @Test
  void aFileWithoutACertificateSaysSo() throws Exception {
    Path empty = Files.writeString(dir.resolve("ca.crt"), "not a pem\n");
    assertThatThrownBy(() -> new TlsMaterial("demo", TlsConfig.client(empty.toString(), "", ""), null))
        .isInstanceOf(TlsException.class).hasMessageContaining("holds no PEM certificate");
  }
}
