package io.peregrine.sender.claim;

import io.peregrine.common.event.AlertQueueException;
import java.time.Duration;
import java.util.List;

/**
 * Who was told what: one claim per (event key, channel, receiver), so that a redelivered event (a crash between
 * take and acknowledgement, a second sender on the same queue, a replayed dead letter) is not told twice.
 *
 * <p>Two steps. Before a send, {@link #claim} takes a short lease ({@code SET NX PX}); after the send,
 * {@link #confirm} turns it into "sent" for the long TTL; a failed send {@link #release}s it so the retry (here or in
 * another sender) may claim it again. A sender that dies holding a lease leaves it to expire: the event is then told
 * by whoever takes it next. Only a crash after the send and before the confirm can still tell someone twice.
 */
public interface DeliveryClaims {
  /** The state of one claim after {@link #claim}. */
  enum State {
    /** Ours now: send, then confirm or release. */
    CLAIMED,
    /** Already told: skip (counted {@code sender_duplicates_suppressed}). */
    SENT,
    /** Another sender holds the lease right now: try again later. */
    BUSY
  }

  /** Claims each key for {@code lease}; a key this sender already holds counts as claimed. */
  List<State> claim(List<String> keys, Duration lease) throws AlertQueueException;

  /**
   * Marks the keys as told, for {@code ttl}. May return before the store answered (Redis pipelines it ahead of the
   * acknowledgement); a failure is logged by the store, as the send already happened.
   */
  void confirm(List<String> keys, Duration ttl) throws AlertQueueException;

  /** Gives up this sender's leases on the keys (others' claims are left alone). */
  void release(List<String> keys) throws AlertQueueException;

  /** Forgets that the keys were told, so a replay tells them again (operator's choice). */
  void forget(List<String> keys) throws AlertQueueException;
}
