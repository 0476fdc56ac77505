package io.peregrine.agent.identity;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * The agent's key and certificate in its identity directory: {@code agent.key} (PKCS#8 PEM, owner read/write only)
 * and {@code agent.crt} (the chain hbs answered). Each is replaced in one rename, key first, so a reader sees either
 * the old pair, the new pair, or (between the renames) a pair that does not match, which the TLS material refuses
 * and keeps the old one for.
 */
final class IdentityFiles {
  private final Path dir;

  IdentityFiles(Path dir) {
    this.dir = dir;
  }

  Path cert() {
    return dir.resolve("agent.crt");
  }

  Path key() {
    return dir.resolve("agent.key");
  }

  /** The leaf of {@code agent.crt}, when there is a readable one. */
  Optional<X509Certificate> current() {
    if (!Files.isRegularFile(cert()) || !Files.isRegularFile(key())) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse(Files.readString(cert())));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  void write(PrivateKey key, String chainPem) throws IOException {
    if (!Files.isDirectory(dir)) {
      try {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (UnsupportedOperationException e) {
        Files.createDirectories(dir);
      }
    }
    Path keyTmp = dir.resolve("agent.key.tmp");
    Files.deleteIfExists(keyTmp);
    try {
      Files.createFile(keyTmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(keyTmp);
    }
    Files.writeString(keyTmp, CsrMaker.pem("PRIVATE KEY", key.getEncoded()));
    Files.move(keyTmp, key(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Path certTmp = dir.resolve("agent.crt.tmp");
    Files.writeString(certTmp, chainPem);
    Files.move(certTmp, cert(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The first certificate of a PEM chain. */
  static X509Certificate parse(String pem) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
    }
  }
}
