package io.peregrine.common.tls;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.peregrine.common.testing.TestCertificates;
import io.peregrine.common.testing.TestCertificates.Ca;
import io.peregrine.common.testing.TestCertificates.Files2;
import io.peregrine.common.testing.TestCertificates.Issued;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A test run's PKI on disk: a CA (ca.crt), a server pair (server.crt/key), a client pair signed by the same CA
 * (client.crt/key) and a client pair of another CA (stranger.crt/key).
 */
final class TlsFixture {
  final Path dir;
  final Ca ca = TestCertificates.newCa("peregrine-test-ca");
  final Ca otherCa = TestCertificates.newCa("someone-else-ca");
  final Path caFile;
  final Path otherCaFile;
  Issued server;
  final Files2 serverFiles;
  final Files2 clientFiles;
  final Files2 strangerFiles;

  TlsFixture(Path dir) throws IOException {
    this.dir = dir;
    caFile = ca.writeTo(dir, "ca.crt");
    otherCaFile = otherCa.writeTo(dir, "other-ca.crt");
    server = ca.issue("server.peregrine.test");
    serverFiles = server.writeTo(dir, "server");
    clientFiles = ca.issue("client.peregrine.test").writeTo(dir, "client");
    strangerFiles = otherCa.issue("stranger.peregrine.test").writeTo(dir, "stranger");
  }

  TlsConfig serverConfig(ClientAuth auth) {
    return TlsConfig.server(serverFiles.cert().toString(), serverFiles.key().toString(), caFile.toString(), auth);
  }

  /** Trusts the CA, presents no certificate. */
  TlsConfig clientWithoutCert() {
    return TlsConfig.client(caFile.toString(), "", "");
  }

  TlsConfig clientWithCert() {
    return TlsConfig.client(caFile.toString(), clientFiles.cert().toString(), clientFiles.key().toString());
  }

  TlsConfig clientOfOtherCa() {
    return TlsConfig.client(caFile.toString(), strangerFiles.cert().toString(), strangerFiles.key().toString());
  }

  /** Writes a new server certificate over server.crt/key, as a Secret update does. */
  Issued rotateServer() throws IOException {
    server = ca.issue("server.peregrine.test");
    server.writeTo(dir, "server");
    return server;
  }

  /**
   * The serial of the certificate a TLS listener presents to a brand-new client (its own context, so no session is
   * resumed and the handshake is a full one).
   */
  static BigInteger servedSerial(int port, String alpn) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    // the probe only reads what is served; trust is what the tests of the real clients check
    ctx.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(5_000);
      if (alpn != null) {
        SSLParameters p = s.getSSLParameters();
        p.setApplicationProtocols(new String[] {alpn});
        s.setSSLParameters(p);
      }
      s.startHandshake();
      return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }
}
