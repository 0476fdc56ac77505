package io.peregrine.hbs.ca;

import io.peregrine.common.lifecycle.Component;
import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.tls.RevokedSerials;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * hbs's own gRPC port refuses revoked agent certificates too: this keeps its {@link RevokedSerials} from SQL, at
 * once after a revocation made on this hbs and every {@code refresh} for one made on another replica.
 */
public final class RevocationSync implements Component {
  private static final Logger log = LoggerFactory.getLogger(RevocationSync.class);
  public static final Duration REFRESH = Duration.ofSeconds(30);

  private final CertificateStore store;
  private final RevokedSerials serials;
  private final Clock clock;
  private volatile ScheduledExecutorService executor;

  public RevocationSync(CertificateStore store, RevokedSerials serials, Clock clock) {
    this.store = store;
    this.serials = serials;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "hbs-revocations";
  }

  public RevokedSerials serials() {
    return serials;
  }

  @Override
  public void start() {
    syncNow();
    executor = NamedExecutors.scheduled(name());
    executor.scheduleWithFixedDelay(this::syncQuietly, REFRESH.toMillis(), REFRESH.toMillis(), TimeUnit.MILLISECONDS);
  }

  public void syncNow() {
    serials.replace(store.revokedUnexpired(clock.millis()).stream().map(RevokedSerials::parseHex).toList(),
        clock.millis());
  }

  private void syncQuietly() {
    try {
      syncNow();
    } catch (RuntimeException e) {
      log.warn("hbs-revocations: cannot read revoked agent certificates (the last list stays in force)", e);
    }
  }

  @Override
  public void close() {
    if (executor != null) {
      NamedExecutors.shutdown(executor, name(), Duration.ofSeconds(2));
    }
  }
}
