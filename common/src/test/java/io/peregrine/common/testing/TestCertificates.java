package io.peregrine.common.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Throwaway certificates for tests, made per run: a CA and leaves it signs (EC P-256, fast to generate), written as
 * PEM files the way cert-manager lays out a Secret (tls.crt, tls.key, ca.crt).
 */
public final class TestCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  private TestCertificates() {}

  /** A certificate with its key. */
  public record Issued(X509Certificate cert, PrivateKey key) {
    public BigInteger serial() {
      return cert.getSerialNumber();
    }

    /**
     * Writes {@code <dir>/<name>.crt} and {@code <dir>/<name>.key} (PKCS#8), each replaced in one rename as a
     * Secret update does, so a reader never sees half a file.
     */
    public Files2 writeTo(Path dir, String name) throws IOException {
      Path crt = dir.resolve(name + ".crt");
      Path key = dir.resolve(name + ".key");
      // key first: a reader between the two renames sees a pair that does not match and keeps the old one
      atomicWrite(key, pem("PRIVATE KEY", this.key.getEncoded()));
      atomicWrite(crt, certPem(cert));
      return new Files2(crt, key);
    }
  }

  /** The paths of a written certificate and key. */
  public record Files2(Path cert, Path key) {}

  /** A CA that signs leaves. */
  public static final class Ca {
    private final Issued self;

    private Ca(Issued self) {
      this.self = self;
    }

    public X509Certificate cert() {
      return self.cert();
    }

    /** Writes the CA certificate as {@code <dir>/<name>} (a bundle of one). */
    public Path writeTo(Path dir, String name) throws IOException {
      Path p = dir.resolve(name);
      atomicWrite(p, certPem(self.cert()));
      return p;
    }

    /** A leaf for servers and clients alike, naming {@code cn}, localhost and 127.0.0.1. */
    public Issued issue(String cn) {
      return issue(cn, Instant.now().minusSeconds(60), Duration.ofDays(1));
    }

    public Issued issue(String cn, Instant notBefore, Duration validity) {
      KeyPair pair = ecKeys();
      try {
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(self.cert(), next(),
            Date.from(notBefore), Date.from(notBefore.plus(validity)), new X500Name("CN=" + cn), pair.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, cn), new GeneralName(GeneralName.dNSName, "localhost"),
            new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        return new Issued(sign(b, self.key()), pair.getPrivate());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /** An intermediate CA (path length 0) under this one, with a key of its own, valid two days. */
    public Ca intermediate(String cn) {
      return intermediate(cn, ecKeys());
    }

    /** The same intermediate renewed: its subject and key, a new serial and validity (cert-manager's Never). */
    public Ca renew(Ca intermediate) {
      return intermediate(new X500Name(intermediate.cert().getSubjectX500Principal().getName()).toString()
          .substring("CN=".length()), new KeyPair(intermediate.cert().getPublicKey(), intermediate.self.key()));
    }

    private Ca intermediate(String cn, KeyPair pair) {
      Instant now = Instant.now().minusSeconds(60);
      try {
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(self.cert(), next(), Date.from(now),
            Date.from(now.plus(Duration.ofDays(2))), new X500Name("CN=" + cn), pair.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new Ca(new Issued(sign(b, self.key()), pair.getPrivate()));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Writes the CA's certificate and its PKCS#8 key as {@code <name>.crt}/{@code <name>.key}. */
    public Files2 writePairTo(Path dir, String name) throws IOException {
      return self.writeTo(dir, name);
    }

    /** A leaf naming only {@code dnsName}: a client dialling 127.0.0.1 must be told to expect that name. */
    public Issued issueOnlyFor(String dnsName) {
      KeyPair pair = ecKeys();
      Instant now = Instant.now().minusSeconds(60);
      try {
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(self.cert(), next(), Date.from(now),
            Date.from(now.plus(Duration.ofDays(1))), new X500Name("CN=" + dnsName), pair.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
        return new Issued(sign(b, self.key()), pair.getPrivate());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  public static Ca newCa(String cn) {
    KeyPair pair = ecKeys();
    Instant now = Instant.now().minusSeconds(60);
    X500Name name = new X500Name("CN=" + cn);
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, next(), Date.from(now),
          Date.from(now.plus(Duration.ofDays(2))), name, pair.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return new Ca(new Issued(sign(b, pair.getPrivate()), pair.getPrivate()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** PEM text of one certificate. */
  public static String certPem(X509Certificate cert) {
    try {
      return pem("CERTIFICATE", cert.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  public static void atomicWrite(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static BigInteger next() {
    return BigInteger.valueOf(SERIAL.incrementAndGet());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey) {
    try {
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair ecKeys() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
