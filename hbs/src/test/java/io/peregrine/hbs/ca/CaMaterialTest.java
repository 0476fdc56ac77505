package io.peregrine.hbs.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peregrine.common.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CA hbs signs with: generated once with owner-only files, or configured (an intermediate) from file and secret. */
class CaMaterialTest {
  @TempDir
  Path dir;

  @Test
  void aGeneratedCaIsWrittenOwnerOnlyOnceAndReadAgain() throws Exception {
    Path caDir = dir.resolve("ca");
    CaMaterial first = CaMaterial.load(CaConfig.generated(caDir.toString(), Duration.ofHours(1)), Clock.systemUTC());
    assertThat(Files.getPosixFilePermissions(caDir.resolve("ca.key")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(caDir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(first.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
    CaMaterial again = CaMaterial.load(CaConfig.generated(caDir.toString(), Duration.ofHours(1)), Clock.systemUTC());
    assertThat(again.certificate()).isEqualTo(first.certificate());
  }

  @Test
  void aConfiguredCaSignsWithItsKeyFromASecretValue() throws Exception {
    CaMaterial made = CaMaterial.load(CaConfig.generated(dir.resolve("made").toString(), Duration.ofHours(1)),
        Clock.systemUTC());
    String keyPem = Files.readString(dir.resolve("made/ca.key"));
    Path cert = dir.resolve("made/ca.crt");
    CaMaterial configured = CaMaterial.load(new CaConfig(true, dir.resolve("unused").toString(), cert.toString(),
        keyPem, Duration.ofHours(1)), Clock.systemUTC());
    assertThat(configured.certificate()).isEqualTo(made.certificate());
    assertThat(Files.exists(dir.resolve("unused"))).isFalse();
  }

  @Test
  void aLeafIsNoCaAndHalfAConfigurationIsRefused() throws Exception {
    TestCertificates.Files2 leaf = TestCertificates.newCa("x").issue("leaf").writeTo(dir, "leaf");
    assertThatThrownBy(() -> CaMaterial.load(new CaConfig(true, "", leaf.cert().toString(),
        Files.readString(leaf.key()), Duration.ofHours(1)), Clock.systemUTC()))
        .hasMessageContaining("is not a CA");
    assertThatThrownBy(() -> new CaConfig(true, "", "/x.crt", "", Duration.ofHours(1)))
        .hasMessageContaining("hbs.ca.cert and its key go together");
    assertThatThrownBy(() -> new CaConfig(true, "", "", "", Duration.ofMinutes(1)))
        .hasMessageContaining("hbs.ca.certLifetime must be within");
  }
}
