package io.peregrine.hbs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peregrine.common.config.ConfigLoader;
import io.peregrine.common.tls.TlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HbsConfigTest {
  private static HbsConfig with(String url, int pool, Duration refresh, List<String> trusted) {
    return new HbsConfig("127.0.0.1:6030", "127.0.0.1:6031", url, "sa", "", pool, refresh, false, "", trusted, 4,
        "", "", "", TlsConfig.off(), null, null, null, null, null);
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    HbsConfig d = HbsConfig.defaults();
    assertThat(d.grpcListen()).isEqualTo("127.0.0.1:6030");
    assertThat(d.httpListen()).isEqualTo("127.0.0.1:6031");
    assertThat(d.jdbcUrl()).startsWith("jdbc:h2:file:./data/hbs/hbs;MODE=MySQL");
    assertThat(d.jdbcUser()).isEqualTo("sa");
    assertThat(d.maxPoolSize()).isEqualTo(8);
    assertThat(d.configRefresh()).isEqualTo(Duration.ofSeconds(5));
    assertThat(d.seedDemo()).isFalse();
    assertThat(d.defaultGroup()).isEmpty();
    assertThat(d.trustedIps()).isEmpty();
    assertThat(d.grpcThreads()).isEqualTo(4);
    assertThat(d.adminPassword()).isEmpty();
    assertThat(d.adminTokenFile()).isEmpty();
    assertThat(d.importOnStart()).isEmpty();
  }

  @Test
  void aShortFirstAdminPasswordIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> HbsConfig.defaults().withAdmin("hunter2", ""))
        .hasMessageContaining("hbs.adminPassword must be at least 12 characters").hasMessageNotContaining("hunter2");
    assertThat(HbsConfig.defaults().withAdmin("twelve chars", " /tmp/t ").adminTokenFile()).isEqualTo("/tmp/t");
  }

  @Test
  void rejectsH2WithoutMySqlMode() {
    assertThatThrownBy(() -> with("jdbc:h2:mem:x", 8, Duration.ofSeconds(5), List.of()))
        .hasMessageContaining("hbs.jdbcUrl").hasMessageContaining("MODE=MySQL");
  }

  @Test
  void rejectsUnknownDatabaseWithoutEchoingTheUrl() {
    assertThatThrownBy(() -> with("jdbc:oracle:thin:scott/tiger@db", 8, Duration.ofSeconds(5), List.of()))
        .hasMessageContaining("hbs.jdbcUrl").hasMessageContaining("jdbc:oracle:").hasMessageNotContaining("tiger");
  }

  @Test
  void rejectsBadNumbersAndAddresses() {
    assertThatThrownBy(() -> with(HbsConfig.DEFAULT_JDBC_URL, 0, Duration.ofSeconds(5), List.of()))
        .hasMessageContaining("hbs.maxPoolSize");
    assertThatThrownBy(() -> with(HbsConfig.DEFAULT_JDBC_URL, 8, Duration.ZERO, List.of()))
        .hasMessageContaining("hbs.configRefresh");
    assertThatThrownBy(() -> with(HbsConfig.DEFAULT_JDBC_URL, 8, Duration.ofSeconds(5), List.of("10.0.0.1; rm")))
        .hasMessageContaining("hbs.trustedIps");
    assertThatThrownBy(() -> HbsConfig.defaults().withListen("nowhere", "127.0.0.1:0"))
        .hasMessageContaining("hbs.grpcListen");
  }

  @Test
  void loadsFromYamlAndEnvironment(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("hbs.yaml");
    Files.writeString(file, "configRefresh: 2s\nseedDemo: true\ndefaultGroup: peregrine-demo\n");
    HbsConfig c = new ConfigLoader().load(file, HbsConfig.class, HbsConfig.defaults(),
        Map.of("PEREGRINE_TRUSTED_IPS", "10.0.0.1,10.0.0.2", "PEREGRINE_MAX_POOL_SIZE", "3"));
    assertThat(c.configRefresh()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.seedDemo()).isTrue();
    assertThat(c.defaultGroup()).isEqualTo("peregrine-demo");
    assertThat(c.trustedIps()).containsExactly("10.0.0.1", "10.0.0.2");
    assertThat(c.maxPoolSize()).isEqualTo(3);
  }

  @Test
  void acceptsEverySupportedDatabase() {
    for (String url : List.of("jdbc:mariadb://127.0.0.1:3306/falcon", "jdbc:mysql://db/falcon",
        "jdbc:postgresql://db/falcon?currentSchema=hbs")) {
      assertThat(with(url, 8, Duration.ofSeconds(5), List.of("10.0.0.0/8", "::1")).jdbcUrl()).isEqualTo(url);
    }
  }
}
