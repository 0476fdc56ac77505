package io.peregrine.hbs.ca;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.NamedExecutors;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CA hbs signs with, read again every {@code hbs.ca.reloadInterval}: {@code hbs.ca.cert} with
 * {@code hbs.ca.keyFile} (or the generated CA's files in {@code hbs.ca.dir}), as common/tls reloads TLS files. When
 * the files' content changed and loads (a CA certificate, a PKCS#8 key that fits it), the next certificate issued
 * is signed with it and carries its chain; when it does not load (a half-written rotation, a broken file), the
 * previous CA stays in use, one WARN names the file and the reason, it is counted, and the next check tries again.
 * A key given as {@code hbs.ca.keySecret} is the value read at start: then only a renewal that keeps the key (the
 * overlay's {@code rotationPolicy: Never}) loads. Counted as {@code hbs_ca_reloads_total{result}}; the signing
 * certificate's expiry is {@code hbs_ca_certificate_not_after_seconds}.
 */
public final class ReloadingCa implements Component {
  private static final Logger log = LoggerFactory.getLogger(ReloadingCa.class);
  private static final String NAME = "hbs-ca";

  private final CaConfig config;
  private final Object reloadLock = new Object();
  private final Counter reloaded;
  private final Counter failed;
  private volatile CaMaterial current;
  private volatile CaMaterial previous;
  // guarded by reloadLock
  private byte[] installed;
  private byte[] lastFailed;
  private ScheduledExecutorService executor;

  /** Reads (or on first start generates) the CA; a CA that does not load fails the start. */
  public ReloadingCa(CaConfig config, Clock clock, MeterRegistry registry) {
    this.config = config;
    this.current = CaMaterial.load(config, clock);
    this.installed = CaMaterial.readFiles(config).digest();
    this.reloaded = Counter.builder("hbs_ca_reloads_total").tag("result", "ok")
        .description("reads of a changed agent CA (hbs.ca) that were installed or refused").register(registry);
    this.failed = Counter.builder("hbs_ca_reloads_total").tag("result", "failed")
        .description("reads of a changed agent CA (hbs.ca) that were installed or refused").register(registry);
    Gauge.builder("hbs_ca_certificate_not_after_seconds", this, r -> r.current().certificate().getNotAfter()
        .toInstant().getEpochSecond()).description("expiry of the CA certificate agent certificates are signed with")
        .register(registry);
  }

  /** The CA to sign with now: take it once per issuance, so certificate, key and chain belong together. */
  public CaMaterial current() {
    return current;
  }

  /** The CA signing now, then the one it replaced at the last reload (if any): whose certificates renew here. */
  public java.util.List<CaMaterial> signers() {
    CaMaterial before = previous;
    CaMaterial now = current;
    return before == null ? java.util.List.of(now) : java.util.List.of(now, before);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void start() {
    Duration every = config.reloadInterval();
    executor = NamedExecutors.scheduled(NAME);
    executor.scheduleWithFixedDelay(this::checkQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    log.info("{}: checking {}{} for a renewed CA every {} ms", NAME, CaMaterial.certPath(config),
        CaMaterial.keyPath(config) == null ? "" : " and " + CaMaterial.keyPath(config), every.toMillis());
  }

  /**
   * Reads the files and installs their content when it changed since the last install.
   *
   * @return true when a new CA was installed
   */
  public boolean checkNow() {
    synchronized (reloadLock) {
      CaMaterial.Files2 files;
      try {
        files = CaMaterial.readFiles(config);
      } catch (UncheckedIOException e) {
        return fail(null, e.getMessage());
      }
      byte[] digest = files.digest();
      if (Arrays.equals(digest, installed) || Arrays.equals(digest, lastFailed)) {
        return false;
      }
      CaMaterial next;
      try {
        next = CaMaterial.fromFiles(config, files);
      } catch (IllegalArgumentException e) {
        return fail(digest, e.getMessage());
      }
      CaMaterial before = current;
      previous = before;
      current = next;
      installed = digest;
      lastFailed = null;
      reloaded.increment();
      log.info("{}: renewed CA installed; the next agent certificates are signed with '{}' (serial {}, valid until "
          + "{}; before: serial {} until {})", NAME, next.certificate().getSubjectX500Principal().getName(),
          next.certificate().getSerialNumber().toString(16), next.certificate().getNotAfter().toInstant(),
          before.certificate().getSerialNumber().toString(16), before.certificate().getNotAfter().toInstant());
      return true;
    }
  }

  private void checkQuietly() {
    try {
      checkNow();
    } catch (RuntimeException e) {
      log.warn("{}: checking the CA files failed", NAME, e);
    }
  }

  private boolean fail(byte[] digest, String why) {
    if (digest == null || !Arrays.equals(digest, lastFailed)) {
      log.warn("{}: the CA files changed but do not load; the previous CA (serial {}) keeps signing: {}", NAME,
          current.certificate().getSerialNumber().toString(16), why);
      failed.increment();
    }
    lastFailed = digest;
    return false;
  }

  @Override
  public void close() {
    if (executor != null) {
      NamedExecutors.shutdown(executor, NAME, Duration.ofSeconds(2));
    }
  }
}
