package io.peregrine.common.tls;

import io.peregrine.common.config.Checks;
import java.time.Duration;

/**
 * The {@code tls} block every component's section has, the same keys everywhere. One key pair and one CA bundle
 * serve both roles: the component's listeners (gRPC and HTTP) when {@code server} is on, and the channels it opens
 * (to transfer, graph, judge, hbs) when {@code client} is on. A certificate issued for both usages (serverAuth and
 * clientAuth, cert-manager's default) fits both.
 *
 * @param server the component's listeners speak TLS with {@code cert}/{@code key}; off = plaintext
 * @param client the gRPC channels the component opens speak TLS; they trust {@code ca} (or the JVM's CAs when
 *     empty) and present {@code cert}/{@code key} when set (mTLS)
 * @param cert PEM certificate chain file, leaf first
 * @param key PEM PKCS#8 private key file ({@code BEGIN PRIVATE KEY}) of the leaf
 * @param ca PEM CA bundle: what clients are checked against (servers) and what servers are checked against
 *     (clients); empty = clients trust the JVM's CAs, servers cannot check client certificates
 * @param clientAuth none | optional | require: whether listeners ask for a client certificate signed by {@code ca}
 * @param httpClientAuth the same for the HTTP listeners only; unset = {@code clientAuth}. {@code optional} on HTTP
 *     with {@code require} on gRPC keeps every pipeline hop mutual while probes and scrapers without a certificate
 *     still reach {@code /health} and {@code /metrics}
 * @param serverName the name channels expect in the server's certificate (and send as SNI) instead of the host of
 *     the address they dial; empty = that host
 * @param reloadInterval how often cert, key and CA files are checked for new content; new handshakes use new material
 */
public record TlsConfig(
    boolean server,
    boolean client,
    String cert,
    String key,
    String ca,
    ClientAuth clientAuth,
    ClientAuth httpClientAuth,
    String serverName,
    Duration reloadInterval) {

  /** cert-manager renews at two thirds of a certificate's life (days); half a minute is far inside that. */
  public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(30);

  public TlsConfig {
    cert = trim(cert);
    key = trim(key);
    ca = trim(ca);
    serverName = trim(serverName);
    clientAuth = clientAuth == null ? ClientAuth.NONE : clientAuth;
    reloadInterval = reloadInterval == null ? DEFAULT_RELOAD_INTERVAL : reloadInterval;
    Checks.positive("tls.reloadInterval", reloadInterval);
    if (cert.isEmpty() != key.isEmpty()) {
      throw new IllegalArgumentException("tls.cert and tls.key go together: cert='" + cert + "', key='" + key + "'");
    }
    if (server && cert.isEmpty()) {
      throw new IllegalArgumentException("tls.server needs tls.cert and tls.key (PEM files)");
    }
    if (server && (clientAuth != ClientAuth.NONE || httpClientAuth(clientAuth, httpClientAuth) != ClientAuth.NONE)
        && ca.isEmpty()) {
      throw new IllegalArgumentException("tls.clientAuth=" + clientAuth.configName()
          + (httpClientAuth == null ? "" : ", tls.httpClientAuth=" + httpClientAuth.configName())
          + " needs tls.ca, the CA bundle client certificates are checked against");
    }
  }

  /** Plaintext both ways: the default, and what all-in-one on loopback uses. */
  public static TlsConfig off() {
    return new TlsConfig(false, false, "", "", "", ClientAuth.NONE, null, "", DEFAULT_RELOAD_INTERVAL);
  }

  /** Listeners with {@code cert}/{@code key}, checking client certificates against {@code ca} as asked. */
  public static TlsConfig server(String cert, String key, String ca, ClientAuth clientAuth) {
    return new TlsConfig(true, false, cert, key, ca, clientAuth, null, "", DEFAULT_RELOAD_INTERVAL);
  }

  /** Channels trusting {@code ca}, presenting {@code cert}/{@code key} when both are non-empty. */
  public static TlsConfig client(String ca, String cert, String key) {
    return new TlsConfig(false, true, cert, key, ca, ClientAuth.NONE, null, "", DEFAULT_RELOAD_INTERVAL);
  }

  public TlsConfig withServerName(String name) {
    return new TlsConfig(server, client, cert, key, ca, clientAuth, httpClientAuth, name, reloadInterval);
  }

  public TlsConfig withReloadInterval(Duration interval) {
    return new TlsConfig(server, client, cert, key, ca, clientAuth, httpClientAuth, serverName, interval);
  }

  /** Both roles: a component that listens and dials with the same material. */
  public TlsConfig withClient(boolean on) {
    return new TlsConfig(server, on, cert, key, ca, clientAuth, httpClientAuth, serverName, reloadInterval);
  }

  /** The HTTP listeners' own rule: a different one than gRPC's, or null for the same. */
  public TlsConfig withHttpClientAuth(ClientAuth http) {
    return new TlsConfig(server, client, cert, key, ca, clientAuth, http, serverName, reloadInterval);
  }

  /** What the HTTP listeners ask of clients: {@code httpClientAuth} when set, else {@code clientAuth}. */
  public ClientAuth clientAuthForHttp() {
    return httpClientAuth(clientAuth, httpClientAuth);
  }

  private static ClientAuth httpClientAuth(ClientAuth grpc, ClientAuth http) {
    return http == null ? grpc : http;
  }

  private static String trim(String s) {
    return s == null ? "" : s.trim();
  }
}
