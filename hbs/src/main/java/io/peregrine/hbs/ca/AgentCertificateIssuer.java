package io.peregrine.hbs.ca;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * Turns an agent's PKCS#10 request into its client certificate: the request must be signed by the key it carries
 * (proof that the agent holds it; the key itself never travels), name the node as its subject CN, and carry an EC
 * P-256/P-384 or an RSA 2048+ key. The certificate is CN = node, one DNS SAN = node, extended key usage clientAuth
 * only, serial 127 random bits, valid from five minutes ago (clock skew) for the configured lifetime, never past
 * the CA's own expiry. Nothing else in the request (extensions, other names) is copied.
 */
public final class AgentCertificateIssuer {
  /** A DNS name of labels (what a Kubernetes node name is), at most 253 characters. */
  static final Pattern NODE = Pattern.compile(
      "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  /** A PEM request of a 4096-bit RSA key is ~1.7 KB; 16 KiB leaves room and stops nothing real. */
  public static final int MAX_CSR_CHARS = 16 * 1024;
  static final Duration BACKDATE = Duration.ofMinutes(5);

  private final Duration lifetime;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public AgentCertificateIssuer(Duration lifetime, Clock clock) {
    this.lifetime = lifetime;
    this.clock = clock;
  }

  /** A request that cannot be signed: the message says why, for a 400. */
  public static final class BadRequest extends Exception {
    public BadRequest(String message) {
      super(message);
    }
  }

  /** Why {@code node} is not a node name, or null when it is one. */
  public static String nodeProblem(String node) {
    if (node == null || node.isEmpty()) {
      return "is required";
    }
    return NODE.matcher(node).matches() ? null
        : "must be a DNS name (letters, digits, '-' and '.', labels of at most 63, at most 253 in all)";
  }

  /** Checks {@code csrPem} for {@code node} and signs it with {@code ca}. */
  public X509Certificate issue(CaMaterial ca, String node, String csrPem) throws BadRequest {
    JcaPKCS10CertificationRequest csr = parse(csrPem);
    PublicKey key;
    try {
      // the converter maps the key's OID to a JDK algorithm name (the JDK's KeyFactory does not take OIDs)
      key = new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter().getPublicKey(csr.getSubjectPublicKeyInfo());
      if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
        throw new BadRequest("the request's signature does not verify with its own key");
      }
    } catch (IOException | OperatorCreationException | PKCSException e) {
      throw new BadRequest("the request's key or signature cannot be read: " + e.getMessage());
    }
    String keyProblem = keyProblem(key);
    if (keyProblem != null) {
      throw new BadRequest(keyProblem);
    }
    String cn = commonName(csr.getSubject());
    if (!node.equals(cn)) {
      throw new BadRequest("the request names CN '" + cn + "', not the node '" + node + "'");
    }
    return sign(ca, node, key);
  }

  private X509Certificate sign(CaMaterial ca, String node, PublicKey key) {
    Instant now = clock.instant();
    Instant notAfter = now.plus(lifetime);
    Instant caEnd = ca.certificate().getNotAfter().toInstant();
    if (notAfter.isAfter(caEnd)) {
      notAfter = caEnd;
    }
    try {
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(),
          new BigInteger(127, random).setBit(126), Date.from(now.minus(BACKDATE)), Date.from(notAfter),
          new X500Name("CN=" + node), key);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      b.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, node)));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.certificate()));
      String alg = ca.key().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder(alg).build(ca.key())));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("hbs.ca: cannot sign a certificate for '" + node + "': " + e.getMessage(), e);
    }
  }

  private static JcaPKCS10CertificationRequest parse(String pem) throws BadRequest {
    if (pem == null || pem.isBlank()) {
      throw new BadRequest("csr is required: a PEM PKCS#10 request (BEGIN CERTIFICATE REQUEST)");
    }
    if (pem.length() > MAX_CSR_CHARS) {
      throw new BadRequest("csr is " + pem.length() + " characters; at most " + MAX_CSR_CHARS);
    }
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      Object o = p.readObject();
      if (o instanceof org.bouncycastle.pkcs.PKCS10CertificationRequest r) {
        return new JcaPKCS10CertificationRequest(r);
      }
      throw new BadRequest("csr is not a PEM PKCS#10 request (BEGIN CERTIFICATE REQUEST)"
          + (o == null ? "" : "; it holds a " + o.getClass().getSimpleName()));
    } catch (IOException e) {
      throw new BadRequest("csr is not a PEM PKCS#10 request: " + e.getMessage());
    }
  }

  static String keyProblem(PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      return bits == 256 || bits == 384 ? null : "the request's EC key has " + bits + " bits; P-256 or P-384";
    }
    if (key instanceof RSAPublicKey rsa) {
      return rsa.getModulus().bitLength() >= 2048 ? null
          : "the request's RSA key has " + rsa.getModulus().bitLength() + " bits; at least 2048";
    }
    return "the request's key is " + key.getAlgorithm() + "; EC (P-256, P-384) or RSA (2048 bits or more)";
  }

  static String commonName(X500Name name) {
    var rdns = name.getRDNs(BCStyle.CN);
    return rdns.length == 1 ? IETFUtils.valueToString(rdns[0].getFirst().getValue()) : "";
  }

  /** The serial as stored and listed: lower-case hex. */
  public static String hex(BigInteger serial) {
    return serial.toString(16);
  }
}
