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
    if (config.cert().isEmpty()) {
      Path dir = Path.of(config.dir());
      if (!Files.exists(dir.resolve("ca.crt")) || !Files.exists(dir.resolve("ca.key"))) {
        generate(dir, dir.resolve("ca.crt"), dir.resolve("ca.key"), clock);
      }
    }
    CaMaterial ca = fromFiles(config, readFiles(config));
    log.info("hbs-ca: signing agent certificates with '{}' from {} (valid until {})",
        ca.certificate().getSubjectX500Principal().getName(), certPath(config), ca.certificate().getNotAfter()
            .toInstant());
    return ca;
  }

  /** The certificate file the CA is read from: {@code hbs.ca.cert}, or the generated one in {@code hbs.ca.dir}. */
  static Path certPath(CaConfig config) {
    return config.cert().isEmpty() ? Path.of(config.dir(), "ca.crt") : Path.of(config.cert());
  }

  /** The key file read with it, or null when the key is {@code hbs.ca.keySecret}'s value (read at start only). */
  static Path keyPath(CaConfig config) {
    if (config.cert().isEmpty()) {
      return Path.of(config.dir(), "ca.key");
    }
    return config.keyFile().isEmpty() ? null : Path.of(config.keyFile());
  }

  /** The certificate file's bytes and the key file's (or the configured key secret's). */
  record Files2(byte[] cert, byte[] key) {
    byte[] digest() {
      try {
        java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
        d.update(cert);
        d.update((byte) 0);
        d.update(key);
        return d.digest();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK has no SHA-256", e);
      }
    }
  }

  static Files2 readFiles(CaConfig config) {
    Path key = keyPath(config);
    return new Files2(read(certPath(config)), key == null
        ? config.keySecret().getBytes(StandardCharsets.US_ASCII) : read(key));
  }

  /** A CA of the files' content, or IllegalArgumentException naming the file and why (never a key's value). */
  static CaMaterial fromFiles(CaConfig config, Files2 files) {
    String certWhere = certPath(config).toString();
    Path keyFile = keyPath(config);
    List<X509Certificate> chain = certificates(certWhere, files.cert());
    PrivateKey key = privateKey(keyFile == null ? "hbs.ca.keySecret" : keyFile.toString(), files.key());
    requireMatch(certWhere, chain.get(0), key);
    return new CaMaterial(key, chain);
  }

  /** The key signs what the certificate's public key verifies: a renewed CA written halfway is refused. */
  static void requireMatch(String certWhere, X509Certificate cert, PrivateKey key) {
    String alg = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : key.getAlgorithm().equals("EC")
        ? "SHA256withECDSA" : null;
    if (alg == null) {
      throw new IllegalArgumentException("hbs.ca: the key of " + certWhere + " is " + key.getAlgorithm()
          + "; an EC or RSA key is needed");
    }
    byte[] probe = new byte[32];
    new SecureRandom().nextBytes(probe);
    try {
      java.security.Signature sign = java.security.Signature.getInstance(alg);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      java.security.Signature verify = java.security.Signature.getInstance(alg);
      verify.initVerify(cert.getPublicKey());
      verify.update(probe);
      if (verify.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("hbs.ca: the key does not fit the certificate of " + certWhere + ": "
          + e.getMessage(), e);
    }
    throw new IllegalArgumentException("hbs.ca: the key is not the key of the certificate in " + certWhere
        + " (a certificate and key written halfway, or the wrong key file)");
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
