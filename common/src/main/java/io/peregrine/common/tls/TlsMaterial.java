package io.peregrine.common.tls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.NamedExecutors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A component's TLS key, chain and CA bundle, read from the files of its {@code tls} block and read again when
 * their content changes (cert-manager rotating a Secret, an operator replacing files): every listener and channel
 * of the component holds this material's key and trust managers, so the next handshake uses what was read last and
 * nothing restarts. A change that does not load (a key that does not fit its certificate, a half-written file)
 * keeps the previous material, is logged once and counted; the next check tries again.
 *
 * <p>Meters: {@code <component>_tls_reloads_total{result=ok|failed}} and
 * {@code <component>_tls_certificate_not_after_seconds} (the served leaf's expiry, epoch seconds).
 */
public final class TlsMaterial implements Component {
  private static final Logger log = LoggerFactory.getLogger(TlsMaterial.class);

  private final String name;
  private final TlsConfig config;
  private final ReloadingKeyManager keys;
  private final ReloadingTrustManager trust;
  private final Counter reloaded;
  private final Counter failed;
  private final AtomicLong notAfterSeconds = new AtomicLong();
  private final Object reloadLock = new Object();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Digest of the files' content last installed, and of the last content that failed (logged once). */
  private byte[] installed;
  private byte[] lastFailed;
  private volatile ScheduledExecutorService executor;
  private volatile String callToken = "";

  /** No TLS either way: listeners and channels stay plaintext. */
  public static TlsMaterial plaintext(String component) {
    return new TlsMaterial(component, TlsConfig.off(), null);
  }

  /**
   * Reads the files now, so a component with a wrong path fails at start with the path in the message.
   *
   * @param component the meters' prefix and the log name ({@code transfer} gives {@code transfer-tls})
   * @param registry where the reload meters go; null = none
   * @throws TlsException a file is missing or unreadable, or the key does not fit the certificate
   */
  public TlsMaterial(String component, TlsConfig config, MeterRegistry registry) {
    this.name = component + "-tls";
    this.config = config;
    if (!config.server() && !config.client()) {
      keys = null;
      trust = null;
      reloaded = null;
      failed = null;
      return;
    }
    Files3 files = read();
    Loaded loaded = parse(files);
    keys = loaded.key == null ? null : new ReloadingKeyManager(loaded.key, loaded.chain);
    trust = loaded.cas == null ? null : new ReloadingTrustManager(loaded.cas);
    installed = files.digest();
    remember(loaded);
    if (registry != null) {
      reloaded = Counter.builder(component + "_tls_reloads").tag("result", "ok")
          .description("TLS material read again after its files changed").register(registry);
      failed = Counter.builder(component + "_tls_reloads").tag("result", "failed")
          .description("changed TLS files that did not load (the previous material stays)").register(registry);
      Gauge.builder(component + "_tls_certificate_not_after_seconds", notAfterSeconds, AtomicLong::doubleValue)
          .description("expiry of the certificate this component presents, epoch seconds").register(registry);
    } else {
      reloaded = null;
      failed = null;
    }
    log.info("{}: {}", name, describe(loaded));
  }

  @Override
  public String name() {
    return name;
  }

  public TlsConfig config() {
    return config;
  }

  /**
   * Makes the channels built with this material ({@code GrpcChannels.forAddress(address, tls)}) also send
   * {@code token} (the component's {@code auth.token}) as {@code authorization: Bearer} on every call. It rides
   * here because every channel of a component is built from its one material: its credentials are both.
   * Empty = no token. Set before the component opens its channels.
   */
  public TlsMaterial withCallToken(String token) {
    this.callToken = token == null ? "" : token;
    return this;
  }

  /** The token channels built with this material send; empty = none. */
  public String callToken() {
    return callToken;
  }

  /** Whether the component's listeners speak TLS. */
  public boolean serverTls() {
    return config.server();
  }

  /** Whether the channels the component opens speak TLS. */
  public boolean clientTls() {
    return config.client();
  }

  /** The key manager of cert/key; null when the block names none. */
  ReloadingKeyManager keyManager() {
    return keys;
  }

  /** The trust manager of ca; null when the block names none (clients then trust the JVM's CAs). */
  ReloadingTrustManager trustManager() {
    return trust;
  }

  @Override
  public void start() {
    if (keys == null && trust == null) {
      return;
    }
    Duration every = config.reloadInterval();
    executor = NamedExecutors.scheduled(name);
    executor.scheduleWithFixedDelay(this::checkQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    log.info("{}: checking {} for changes every {} ms", name, paths(), every.toMillis());
  }

  /**
   * Reads the files and installs their content when it changed since the last install.
   *
   * @return true when new material was installed
   */
  public boolean checkNow() {
    if (keys == null && trust == null) {
      return false;
    }
    synchronized (reloadLock) {
      Files3 files;
      try {
        files = read();
      } catch (TlsException e) {
        return fail(null, e);
      }
      byte[] digest = files.digest();
      if (Arrays.equals(digest, installed) || Arrays.equals(digest, lastFailed)) {
        return false;
      }
      Loaded loaded;
      try {
        loaded = parse(files);
        if (keys != null) {
          keys.update(loaded.key, loaded.chain);
        }
        if (trust != null) {
          trust.update(loaded.cas);
        }
      } catch (TlsException e) {
        return fail(digest, e);
      }
      installed = digest;
      lastFailed = null;
      remember(loaded);
      if (reloaded != null) {
        reloaded.increment();
      }
      log.info("{}: reloaded; new handshakes use it: {}", name, describe(loaded));
      return true;
    }
  }

  private void checkQuietly() {
    try {
      checkNow();
    } catch (RuntimeException e) {
      log.warn("{}: checking the TLS files failed", name, e);
    }
  }

  private boolean fail(byte[] digest, TlsException e) {
    if (digest == null || !Arrays.equals(digest, lastFailed)) {
      log.warn("{}: TLS files changed but do not load; the previous material stays in use: {}", name, e.getMessage());
      if (failed != null) {
        failed.increment();
      }
    }
    lastFailed = digest;
    return false;
  }

  private void remember(Loaded loaded) {
    if (loaded.chain != null) {
      notAfterSeconds.set(loaded.chain[0].getNotAfter().toInstant().getEpochSecond());
    }
  }

  @Override
  public void close() {
    if (closed.getAndSet(true) || executor == null) {
      return;
    }
    NamedExecutors.shutdown(executor, name, Duration.ofSeconds(2));
  }

  private record Files3(byte[] cert, byte[] key, byte[] ca) {
    byte[] digest() {
      try {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (byte[] part : new byte[][] {cert, key, ca}) {
          md.update((byte) (part == null ? 0 : 1));
          if (part != null) {
            md.update(part);
          }
        }
        return md.digest();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private record Loaded(PrivateKey key, X509Certificate[] chain, List<X509Certificate> cas) {}

  private Files3 read() {
    return new Files3(bytes("tls.cert", config.cert()), bytes("tls.key", config.key()), bytes("tls.ca", config.ca()));
  }

  private Loaded parse(Files3 files) {
    PrivateKey key = null;
    X509Certificate[] chain = null;
    if (files.cert() != null) {
      chain = PemFiles.certificates(config.cert(), files.cert()).toArray(new X509Certificate[0]);
      key = PemFiles.privateKey(config.key(), files.key());
      PemFiles.requireMatch(config.cert(), chain[0], config.key(), key);
    }
    List<X509Certificate> cas = files.ca() == null ? null : PemFiles.certificates(config.ca(), files.ca());
    return new Loaded(key, chain, cas);
  }

  private String describe(Loaded l) {
    StringBuilder s = new StringBuilder();
    s.append("server=").append(config.server()).append(" client=").append(config.client());
    if (l.chain != null) {
      s.append(", certificate '").append(l.chain[0].getSubjectX500Principal().getName()).append("' serial ")
          .append(l.chain[0].getSerialNumber().toString(16)).append(" valid until ").append(l.chain[0].getNotAfter()
          .toInstant());
    }
    if (l.cas != null) {
      s.append(", ").append(l.cas.size()).append(" CA certificate(s) from ").append(config.ca());
    }
    if (config.server()) {
      s.append(", clientAuth=").append(config.clientAuth().configName());
      if (config.clientAuthForHttp() != config.clientAuth()) {
        s.append(" (HTTP: ").append(config.clientAuthForHttp().configName()).append(')');
      }
    }
    return s.toString();
  }

  private String paths() {
    return String.join(", ", Arrays.stream(new String[] {config.cert(), config.key(), config.ca()})
        .filter(p -> !p.isEmpty()).toList());
  }

  private static byte[] bytes(String key, String path) {
    if (path.isEmpty()) {
      return null;
    }
    try {
      return Files.readAllBytes(Path.of(path));
    } catch (NoSuchFileException e) {
      throw new TlsException(key + " file " + path + " does not exist");
    } catch (IOException e) {
      throw new TlsException(key + " file " + path + " cannot be read: " + e, e);
    }
  }
}
