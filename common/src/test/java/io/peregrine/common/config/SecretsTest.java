package io.peregrine.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {
  /** A section shaped like the modules' ones: secrets, URLs with credentials, a nested block. */
  record Section(String jdbcPassword, String redisUrl, String webhookUrl, List<String> remoteWriteUrls,
      Auth auth, String plain) {}

  record Auth(String token, String hbsUrl) {}

  record Root(Section demo) {}

  private static final Root DEFAULTS = new Root(new Section("", "redis://127.0.0.1:6379", "", List.of(),
      new Auth("", ""), "p"));

  private final ConfigLoader loader = new ConfigLoader();

  @Test
  void secretKeysAreKnownByTheirNames() {
    assertThat(Secrets.isSecretKey("hbs.jdbcPassword")).isTrue();
    assertThat(Secrets.isSecretKey("sender.dingtalkSecret")).isTrue();
    assertThat(Secrets.isSecretKey("graph.auth.token")).isTrue();
    assertThat(Secrets.isSecretKey("hbs.adminTokenFile")).isFalse();
    assertThat(Secrets.isSecretKey("graph.tls.key")).isFalse();
  }

  @Test
  void fileAndEnvFormsAreReadAtLoad(@TempDir Path dir) throws Exception {
    Path pw = Files.writeString(dir.resolve("db.pw"), "s3cret-from-file\n");
    Path yaml = Files.writeString(dir.resolve("c.yaml"),
        "demo:\n  jdbcPassword: file:" + pw + "\n  auth:\n    token: env:DEMO_TOKEN\n");
    Root c = loader.load(yaml, Root.class, DEFAULTS, Map.of("DEMO_TOKEN", "pgr_from_env"));
    assertThat(c.demo().jdbcPassword()).isEqualTo("s3cret-from-file");
    assertThat(c.demo().auth().token()).isEqualTo("pgr_from_env");
  }

  @Test
  void urlsCarryingCredentialsMayComeFromFilesToo(@TempDir Path dir) throws Exception {
    Path url = Files.writeString(dir.resolve("redis.url"), "redis://peregrine:acl-pass@redis:6379/0\n");
    Root c = loader.load(null, Root.class, DEFAULTS, Map.of("PEREGRINE_DEMO_REDIS_URL", "file:" + url,
        "PEREGRINE_DEMO_REMOTE_WRITE_URLS", "env:RW_URL", "RW_URL", "https://u:p@vm/api/v1/write"));
    assertThat(c.demo().redisUrl()).isEqualTo("redis://peregrine:acl-pass@redis:6379/0");
    assertThat(c.demo().remoteWriteUrls()).containsExactly("https://u:p@vm/api/v1/write");
  }

  @Test
  void theEnvironmentMayNameAFileToo(@TempDir Path dir) throws Exception {
    Path pw = Files.writeString(dir.resolve("pw"), "x-y-z");
    Root c = loader.load(null, Root.class, DEFAULTS, Map.of("PEREGRINE_DEMO_JDBC_PASSWORD", "file:" + pw));
    assertThat(c.demo().jdbcPassword()).isEqualTo("x-y-z");
  }

  @Test
  void aMissingFileOrVariableNamesTheKeyAndNotAValue(@TempDir Path dir) {
    assertThatThrownBy(() -> loader.load(null, Root.class, DEFAULTS,
        Map.of("PEREGRINE_DEMO_JDBC_PASSWORD", "file:" + dir.resolve("absent"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("demo.jdbcPassword: cannot read secret file " + dir.resolve("absent"));
    assertThatThrownBy(() -> loader.load(null, Root.class, DEFAULTS,
        Map.of("PEREGRINE_DEMO_AUTH_TOKEN", "env:NOT_SET_ANYWHERE")))
        .hasMessageContaining("demo.auth.token: environment variable NOT_SET_ANYWHERE");
  }

  @Test
  void theDumpHidesEverySecret(@TempDir Path dir) throws Exception {
    Path pw = Files.writeString(dir.resolve("db.pw"), "db-pass-123");
    Root c = loader.load(null, Root.class, DEFAULTS, Map.of(
        "PEREGRINE_DEMO_JDBC_PASSWORD", "file:" + pw,
        "PEREGRINE_DEMO_REDIS_URL", "redis://:redis-pass-456@redis:6379/0",
        "PEREGRINE_DEMO_WEBHOOK_URL", "https://oapi.dingtalk.com/robot/send?access_token=ding-tok-789&x=1",
        "PEREGRINE_DEMO_REMOTE_WRITE_URLS", "https://user:rw-pass-000@vm:8428/api/v1/write",
        "PEREGRINE_DEMO_AUTH_TOKEN", "pgr_tok_abc",
        "PEREGRINE_DEMO_AUTH_HBS_URL", "http://hbs:6031"));
    String dump = loader.toYaml(c);
    assertThat(dump).doesNotContain("db-pass-123", "redis-pass-456", "ding-tok-789", "rw-pass-000", "pgr_tok_abc")
        .contains("jdbcPassword: \"<redacted>\"", "redis://:<redacted>@redis:6379/0", "access_token=<redacted>&x=1",
            "https://user:<redacted>@vm:8428", "hbsUrl: \"http://hbs:6031\"", "plain: \"p\"");
  }

  @Test
  void aBadValueOfASecretKeyIsNotEchoed() {
    record Typed(int adminToken) {}
    record TypedRoot(Typed demo) {}
    assertThatThrownBy(() -> loader.load(null, TypedRoot.class, new TypedRoot(new Typed(1)),
        Map.of("PEREGRINE_DEMO_ADMIN_TOKEN", "hunter2-secret")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("demo.adminToken")
        .message().doesNotContain("hunter2-secret");
  }
}
