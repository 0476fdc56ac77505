package io.peregrine.hbs.ca;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CA key and certificate hbs signs agent certificates with: a configured one ({@code hbs.ca.cert} and
 * {@code hbs.ca.keySecret}, e.g. an intermediate of the cluster's CA), or one hbs generates on its first start into
 * {@code hbs.ca.dir} (EC P-256, ten years; the key file owner read/write only, the directory owner only) and reads
 * from there on every later start.
 */
public final class CaMaterial {
  private static final Logger log = LoggerFactory.getLogger(CaMaterial.class);
  static final Duration GENERATED_VALIDITY = Duration.ofDays(3650);

  private final PrivateKey key;
  private final List<X509Certificate> chain;

  CaMaterial(PrivateKey key, List<X509Certificate> chain) {
    this.key = key;
    this.chain = List.copyOf(chain);
  }

  /** Reads (or on first start generates) the CA {@code config} names. */
  public static CaMaterial load(CaConfig config, Clock clock) {
    if (!config.cert().isEmpty()) {
      List<X509Certificate> chain = certificates(config.cert(), read(Path.of(config.cert())));
      PrivateKey key = privateKey("hbs.ca.keySecret", config.keySecret());
      log.info("hbs-ca: signing agent certificates with '{}' from {} (valid until {})",
          chain.get(0).getSubjectX500Principal().getName(), config.cert(), chain.get(0).getNotAfter().toInstant());
      return new CaMaterial(key, chain);
    }
    Path dir = Path.of(config.dir());
    Path crt = dir.resolve("ca.crt");
    Path keyFile = dir.resolve("ca.key");
    if (!Files.exists(crt) || !Files.exists(keyFile)) {
      generate(dir, crt, keyFile, clock);
    }
    List<X509Certificate> chain = certificates(crt.toString(), read(crt));
    PrivateKey key = privateKey(keyFile.toString(), read(keyFile));
    log.info("hbs-ca: signing agent certificates with the CA in {} ('{}', valid until {})", dir,
        chain.get(0).getSubjectX500Principal().getName(), chain.get(0).getNotAfter().toInstant());
    return new CaMaterial(key, chain);
  }

  public PrivateKey key() {
    return key;
  }

  /** The signing certificate first, then its chain as configured. */
  public List<X509Certificate> chain() {
    return chain;
  }

  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** The chain as PEM text: what callers append to their CA bundles (or an intermediate's chain to present). */
  public String chainPem() {
    StringBuilder s = new StringBuilder();
    for (X509Certificate c : chain) {
      s.append(pem(c));
    }
    return s.toString();
  }

  static String pem(X509Certificate c) {
    try {
      return pem("CERTIFICATE", c.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static void generate(Path dir, Path crt, Path keyFile, Clock clock) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = g.generateKeyPair();
      byte[] id = new byte[6];
      new SecureRandom().nextBytes(id);
      X500Name name = new X500Name("CN=Peregrine agent CA " + java.util.HexFormat.of().formatHex(id));
      Instant now = clock.instant().minus(Duration.ofMinutes(5));
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(127, new SecureRandom()),
          Date.from(now), Date.from(now.plus(GENERATED_VALIDITY)), name, pair.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false,
          new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
      createOwnerOnlyDir(dir);
      writeOwnerOnly(keyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
      Path tmp = crt.resolveSibling("ca.crt.tmp");
      Files.writeString(tmp, pem(cert));
      Files.move(tmp, crt, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      log.info("hbs-ca: generated a new agent CA in {} ('{}'); append ca.crt (GET /api/v1/agents/ca) to the CA "
          + "bundles of transfer and hbs", dir, name);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("hbs.ca: cannot generate the agent CA in " + dir + ": " + e, e);
    }
  }

  private static void createOwnerOnlyDir(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    try {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException e) {
      Files.createDirectories(dir); // not a POSIX file system
    }
  }

  /** Writes a new file readable by its owner only (0600); refuses to replace one. */
  static void writeOwnerOnly(Path file, String content) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      throw new IOException(file + " exists already; remove it with ca.crt to make a new CA", e);
    }
    Files.writeString(file, content);
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException("hbs.ca: cannot read " + p + ": " + e.getMessage(), e);
    }
  }

  static List<X509Certificate> certificates(String where, byte[] pem) {
    List<X509Certificate> out = new ArrayList<>();
    try (PEMParser p = new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
      JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
      for (Object o = p.readObject(); o != null; o = p.readObject()) {
        if (o instanceof X509CertificateHolder h) {
          out.add(conv.getCertificate(h));
        }
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("hbs.ca: " + where + " is not PEM certificates: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("hbs.ca: " + where + " holds no certificate");
    }
    if (out.get(0).getBasicConstraints() < 0) {
      throw new IllegalArgumentException("hbs.ca: the first certificate of " + where + " is not a CA "
          + "(basicConstraints CA:true)");
    }
    return out;
  }

  /** A PKCS#8 key ({@code BEGIN PRIVATE KEY}); {@code where} names the key or file, never the value. */
  static PrivateKey privateKey(String where, Object pem) {
    String text = pem instanceof byte[] b ? new String(b, StandardCharsets.US_ASCII) : (String) pem;
    try (PEMParser p = new PEMParser(new StringReader(text))) {
      Object o = p.readObject();
      if (o instanceof PrivateKeyInfo info) {
        return new JcaPEMKeyConverter().getPrivateKey(info);
      }
      throw new IllegalArgumentException("hbs.ca: " + where + " is not a PEM PKCS#8 private key (BEGIN PRIVATE KEY)");
    } catch (IOException e) {
      throw new IllegalArgumentException("hbs.ca: " + where + " is not a PEM private key: " + e.getMessage(), e);
    }
  }
}
