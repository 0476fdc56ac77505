package io.peregrine.bench;

import io.peregrine.common.tls.ClientAuth;
import io.peregrine.common.tls.TlsConfig;
import picocli.CommandLine.Option;

/** The {@code tls} block as command-line options, for the bench tools (PEM files, as in every component). */
final class TlsOptions {
  @Option(names = "--tls-ca", paramLabel = "FILE", defaultValue = "",
      description = "PEM CA bundle: turns TLS on. push: the target's certificate is checked against it; sink: "
          + "client certificates are (with --tls-client-auth).")
  String ca;

  @Option(names = "--tls-cert", paramLabel = "FILE", defaultValue = "",
      description = "PEM certificate chain: push presents it (mTLS); sink serves it (turns sink TLS on).")
  String cert;

  @Option(names = "--tls-key", paramLabel = "FILE", defaultValue = "",
      description = "PEM PKCS#8 private key of --tls-cert.")
  String key;

  @Option(names = "--tls-server-name", paramLabel = "NAME", defaultValue = "",
      description = "push: the name expected in the target's certificate instead of the target's host.")
  String serverName;

  @Option(names = "--tls-client-auth", paramLabel = "MODE", defaultValue = "none",
      description = "sink: none, optional or require a client certificate signed by --tls-ca. "
          + "Default: ${DEFAULT-VALUE}.")
  String clientAuth;

  /** TLS channels when a CA or a certificate is given, else plaintext. */
  TlsConfig client() {
    if (ca.isBlank() && cert.isBlank()) {
      return TlsConfig.off();
    }
    return TlsConfig.client(ca, cert, key).withServerName(serverName);
  }

  /** TLS listeners when a certificate is given, else plaintext. */
  TlsConfig server() {
    if (cert.isBlank()) {
      return TlsConfig.off();
    }
    return TlsConfig.server(cert, key, ca, ClientAuth.parse(clientAuth));
  }
}
