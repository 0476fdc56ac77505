package io.peregrine.agent.identity;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.tls.TlsConfig;
import io.peregrine.common.tls.TlsContexts;
import io.peregrine.common.tls.TlsMaterial;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's client certificate from hbs. At start: when the identity directory holds no certificate for this node
 * that is still valid, a fresh key is made and hbs is asked with the bootstrap token ({@link #ensure}; a refusal
 * stops the start with hbs's reason). Then every {@link #CHECK}: once {@code renewAt} of the certificate's life has
 * passed, a new key and request are sent with the current certificate as the TLS client certificate (no token);
 * the files are replaced and the component's {@link TlsMaterial} reloaded at once, so the next handshakes of every
 * channel present the new certificate. A failed renewal is retried at the next check; once the certificate has
 * expired (or hbs refuses it), the bootstrap token is tried again when there is one.
 */
public final class AgentIdentity implements Component {
  private static final Logger log = LoggerFactory.getLogger(AgentIdentity.class);
  static final Duration CHECK = Duration.ofSeconds(30);

  private final IdentityConfig config;
  private final String node;
  private final TlsConfig tls;
  private final Clock clock;
  private final IdentityFiles files;
  private final EnrolClient client;
  private final SSLContext bootstrapSsl;
  private final Counter renewed;
  private final Counter enrolled;
  private final Counter failed;
  private volatile TlsMaterial material;
  private volatile ScheduledExecutorService executor;

  /** @param tls the agent's {@code tls} block: its {@code ca} is what hbs is trusted with */
  public AgentIdentity(IdentityConfig config, String node, TlsConfig tls, Clock clock, MeterRegistry registry) {
    this.config = config;
    this.node = node;
    this.tls = tls;
    this.clock = clock;
    this.files = new IdentityFiles(Path.of(config.dir()));
    this.client = new EnrolClient(config.enrollUrl());
    this.bootstrapSsl = config.enrollUrl().startsWith("https://")
        ? TlsContexts.jdkClient(new TlsMaterial("agent-enrol", TlsConfig.client(tls.ca(), "", ""), null)) : null;
    this.renewed = counter(registry, "renewed");
    this.enrolled = counter(registry, "enrolled");
    this.failed = counter(registry, "failed");
  }

  private static Counter counter(MeterRegistry registry, String result) {
    return Counter.builder("agent_identity_requests").tag("result", result)
        .description("certificate requests to hbs: enrolled (bootstrap token), renewed (current certificate), failed")
        .register(registry);
  }

  @Override
  public String name() {
    return "agent-identity";
  }

  /** The agent's {@code tls} block presenting the identity directory's certificate on its channels. */
  public TlsConfig tlsConfig() {
    return new TlsConfig(tls.server(), true, files.cert().toString(), files.key().toString(), tls.ca(),
        tls.clientAuth(), tls.httpClientAuth(), tls.serverName(), tls.reloadInterval());
  }

  /** Enrols with the bootstrap token unless a valid certificate for this node is on disk. */
  public void ensure() {
    Optional<X509Certificate> current = files.current().filter(this::usable);
    if (current.isPresent()) {
      log.info("agent-identity: certificate {} for '{}' valid until {}", current.get().getSerialNumber().toString(16),
          node, current.get().getNotAfter().toInstant());
      return;
    }
    if (config.bootstrapToken().isEmpty()) {
      throw new IllegalStateException("agent-identity: no valid certificate for '" + node + "' in " + config.dir()
          + " and agent.identity.bootstrapToken is empty: set it to a hbs token with scope enroll");
    }
    try {
      request(bootstrapSsl, config.bootstrapToken(), enrolled);
    } catch (EnrolClient.Failed | IOException e) {
      failed.increment();
      throw new IllegalStateException("agent-identity: enrolment of '" + node + "' at " + client.uri() + " failed: "
          + e.getMessage(), e);
    }
  }

  /** The material built from {@link #tlsConfig}: reloaded after every renewal and presenting the certificate. */
  public AgentIdentity attach(TlsMaterial m) {
    this.material = m;
    return this;
  }

  @Override
  public void start() {
    executor = NamedExecutors.scheduled(name());
    executor.scheduleWithFixedDelay(this::checkQuietly, CHECK.toMillis(), CHECK.toMillis(), TimeUnit.MILLISECONDS);
    log.info("agent-identity: renewing at {} of each certificate's life at {}", config.renewAt(), client.uri());
  }

  /** When the time has come, renews (or re-enrols); true when a new certificate was installed. */
  public boolean checkNow() {
    Optional<X509Certificate> current = files.current();
    if (current.isPresent() && clock.instant().isBefore(renewAt(current.get()))) {
      return false;
    }
    if (current.isPresent() && usable(current.get()) && material != null) {
      try {
        request(TlsContexts.jdkClient(material), "", renewed);
        return true;
      } catch (EnrolClient.Failed | IOException e) {
        failed.increment();
        log.warn("agent-identity: renewing the certificate of '{}' failed (retry in {} s): {}", node,
            CHECK.toSeconds(), e.getMessage());
        if (!(e instanceof EnrolClient.Failed f && (f.status == 401 || f.status == 403))) {
          return false;
        }
      }
    }
    if (config.bootstrapToken().isEmpty()) {
      return false;
    }
    try {
      request(bootstrapSsl, config.bootstrapToken(), enrolled);
      return true;
    } catch (EnrolClient.Failed | IOException e) {
      failed.increment();
      log.warn("agent-identity: enrolling '{}' with the bootstrap token failed (retry in {} s): {}", node,
          CHECK.toSeconds(), e.getMessage());
      return false;
    }
  }

  private void checkQuietly() {
    try {
      checkNow();
    } catch (RuntimeException e) {
      log.warn("agent-identity: the renewal check failed", e);
    }
  }

  private void request(SSLContext ssl, String bearer, Counter counter) throws EnrolClient.Failed, IOException {
    CsrMaker.Request req = CsrMaker.make(node);
    EnrolClient.Answer answer = client.enroll(node, req.csrPem(), ssl, bearer);
    X509Certificate cert;
    try {
      cert = IdentityFiles.parse(answer.certificatePem());
    } catch (IllegalArgumentException e) {
      throw new EnrolClient.Failed(200, "hbs answered a certificate that does not parse: " + e.getMessage());
    }
    if (!cert.getPublicKey().equals(req.keys().getPublic())) {
      throw new EnrolClient.Failed(200, "hbs answered a certificate for another key");
    }
    files.write(req.keys().getPrivate(), answer.certificatePem());
    counter.increment();
    if (material != null) {
      material.checkNow();
    }
    log.info("agent-identity: {} certificate {} for '{}' valid until {}", counter == renewed ? "renewed;"
        : "enrolled;", answer.serial(), node, cert.getNotAfter().toInstant());
  }

  /** Valid now, for this node. */
  private boolean usable(X509Certificate c) {
    Instant now = clock.instant();
    return c.getSubjectX500Principal().getName().equals("CN=" + node) && !now.isBefore(c.getNotBefore().toInstant())
        && now.isBefore(c.getNotAfter().toInstant());
  }

  Instant renewAt(X509Certificate c) {
    long from = c.getNotBefore().getTime();
    long to = c.getNotAfter().getTime();
    return Instant.ofEpochMilli(from + (long) ((to - from) * config.renewAt()));
  }

  @Override
  public void close() {
    if (executor != null) {
      NamedExecutors.shutdown(executor, name(), Duration.ofSeconds(2));
    }
  }
}
