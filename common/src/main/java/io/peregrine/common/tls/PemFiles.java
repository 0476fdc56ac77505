package io.peregrine.common.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and PKCS#8 private keys from bytes (the files' content, read once per check so a file
 * replaced half-way is never parsed twice differently). Errors say which file and what was found in it.
 */
final class PemFiles {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
  private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"};

  private PemFiles() {}

  static List<X509Certificate> certificates(String file, byte[] pem) {
    List<X509Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      Matcher m = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
      while (m.find()) {
        if (m.group(1).equals("CERTIFICATE")) {
          byte[] der = Base64.getMimeDecoder().decode(m.group(2));
          certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
        }
      }
    } catch (CertificateException | IllegalArgumentException e) {
      throw new TlsException(file + " holds a certificate that cannot be read: " + e.getMessage(), e);
    }
    if (certs.isEmpty()) {
      throw new TlsException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return certs;
  }

  static PrivateKey privateKey(String file, byte[] pem) {
    Matcher m = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
    while (m.find()) {
      String type = m.group(1);
      if (type.equals("PRIVATE KEY")) {
        return pkcs8(file, Base64.getMimeDecoder().decode(m.group(2)));
      }
      if (type.endsWith("PRIVATE KEY")) {
        // cert-manager writes PKCS#1 / SEC1 unless told otherwise: say how to get what is read here
        throw new TlsException(file + " holds a '" + type + "' block; a PKCS#8 'PRIVATE KEY' is needed"
            + " (cert-manager: spec.privateKey.encoding: PKCS8; openssl: openssl pkcs8 -topk8 -nocrypt)");
      }
    }
    throw new TlsException(file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
  }

  /** Fails unless {@code key} signs what the leaf certificate's public key verifies. */
  static void requireMatch(String certFile, X509Certificate leaf, String keyFile, PrivateKey key) {
    PublicKey pub = leaf.getPublicKey();
    if (!pub.getAlgorithm().equals(key.getAlgorithm())) {
      throw new TlsException(keyFile + " is a " + key.getAlgorithm() + " key but the certificate in " + certFile
          + " has a " + pub.getAlgorithm() + " key");
    }
    String alg = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm(); // Ed25519, Ed448 sign with their own name
    };
    try {
      byte[] probe = "peregrine-key-check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(alg);
      signer.initSign(key);
      signer.update(probe);
      byte[] sig = signer.sign();
      Signature verifier = Signature.getInstance(alg);
      verifier.initVerify(pub);
      verifier.update(probe);
      if (!verifier.verify(sig)) {
        throw new TlsException(keyFile + " is not the private key of the certificate in " + certFile
            + " (a rotation may be half-written; the previous pair stays in use)");
      }
    } catch (GeneralSecurityException e) {
      // an algorithm this JVM cannot sign with here: the handshake will tell; do not refuse the pair for it
    }
  }

  private static PrivateKey pkcs8(String file, byte[] der) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String alg : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new TlsException(file + " holds a PKCS#8 key of an algorithm this JVM does not read (not RSA, EC or EdDSA);"
        + " an encrypted key is not supported either");
  }
}
