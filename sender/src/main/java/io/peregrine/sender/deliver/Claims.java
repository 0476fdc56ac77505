package io.peregrine.sender.deliver;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertQueueException;
import io.peregrine.common.server.ThrottledLog;
import io.peregrine.sender.claim.DeliveryClaims;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The dispatcher's view of the claims: the key of one (event, channel, receiver) and the lease and TTL to use. */
final class Claims {
  private static final Logger log = LoggerFactory.getLogger(Claims.class);
  private final DeliveryClaims store;
  private final Duration lease;
  private final Duration ttl;
  private final ThrottledLog errors = new ThrottledLog(log, Duration.ofSeconds(10));

  Claims(DeliveryClaims store, Duration lease, Duration ttl) {
    this.store = store;
    this.lease = lease;
    this.ttl = ttl;
  }

  /** {@code <event key>|<channel>|<receiver address, or * for a fixed destination>}. */
  static String key(AlertEvent e, String channel, String address) {
    String eventKey = e.eventKey() != null ? e.eventKey()
        : AlertEvent.keyOf(e.id(), e.status(), e.eventTime(), e.currentStep());
    return eventKey + "|" + channel + "|" + address;
  }

  static String doneKey(String channel, String address) {
    return channel + "|" + address;
  }

  List<DeliveryClaims.State> claim(List<String> keys) throws AlertQueueException {
    return store.claim(keys, lease);
  }

  /** After a send: a failure here is logged, not retried (the send happened; at worst a later redelivery repeats). */
  void confirm(List<String> keys) {
    try {
      store.confirm(keys, ttl);
    } catch (AlertQueueException | RuntimeException e) {
      errors.warn("sender: cannot record {} sends as done ({}); a redelivery of these events would repeat them",
          keys.size(), e.getMessage());
    }
  }

  /** After a failed send: a lease not released expires by itself, so a failure here only delays the retry. */
  void releaseQuietly(List<String> keys) {
    try {
      store.release(keys);
    } catch (AlertQueueException | RuntimeException e) {
      errors.warn("sender: cannot release {} claims ({}); they expire within {} s", keys.size(), e.getMessage(),
          lease.toSeconds());
    }
  }
}
