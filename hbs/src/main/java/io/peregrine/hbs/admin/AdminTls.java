package io.peregrine.hbs.admin;

import io.javalin.config.JettyConfig;
import io.peregrine.common.config.HostPort;
import io.peregrine.common.tls.TlsContexts;
import io.peregrine.common.tls.TlsMaterial;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * HTTPS for the Javalin (Jetty) admin port: one TLS connector on {@code listen} in place of Javalin's plaintext
 * default, holding the component's {@link TlsMaterial} context, so a rotated certificate is served from the next
 * handshake like on every other listener.
 */
final class AdminTls {
  private AdminTls() {}

  /** Adds the TLS connector when {@code tls.server} is on; otherwise Javalin's own plaintext connector is used. */
  static void configure(JettyConfig jetty, TlsMaterial tls, String listen) {
    if (!tls.serverTls()) {
      return;
    }
    HostPort hp = HostPort.parse("hbs.httpListen", listen);
    jetty.addConnector((server, http) -> {
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setSslContext(TlsContexts.jdkServer(tls));
      switch (tls.config().clientAuthForHttp()) {
        case REQUIRE -> ssl.setNeedClientAuth(true);
        case OPTIONAL -> ssl.setWantClientAuth(true);
        case NONE -> ssl.setWantClientAuth(false);
      }
      // callers dial by IP or a Service name the certificate may list under another SAN: the handshake's own
      // checks (client side) decide, not a Host-vs-SNI comparison on the server
      http.addCustomizer(new SecureRequestCustomizer(false));
      ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
          new HttpConnectionFactory(http));
      connector.setHost(hp.host());
      connector.setPort(hp.port());
      return connector;
    });
  }
}
