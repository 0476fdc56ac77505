package io.peregrine.sender.queue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The events a sender gave up on, as an operator sees them over HTTP and {@code peregrine sender dead-letters}.
 * Each dead letter is named by {@link #idOf}: the first 16 hex digits of the SHA-256 of its stored text, stable for
 * as long as it is kept (also for dead letters written before ids existed).
 */
public interface DeadLetters {
  /** The newest first, at most {@code max}: each a JSON document {@code {event, reason, failedAt, ...}}. */
  List<String> list(int max) throws Exception;

  /** The dead letter with this id, among the newest {@code deadLetterCapacity}. */
  Optional<String> find(String id) throws Exception;

  /**
   * Puts every dead letter back on its priority queue (as a new event, behind those waiting) and removes it from the
   * dead list. Sends that were done before are not repeated (the delivery claims remember them).
   *
   * @return how many were moved
   * @throws UnsupportedOperationException when this store cannot replay
   */
  int replayAll() throws Exception;

  /** Replays one dead letter; false when there is none with this id (or it is not an event). */
  boolean replay(String id) throws Exception;

  /** Deletes one dead letter; false when there is none with this id. */
  boolean drop(String id) throws Exception;

  /** Deletes every dead letter; returns how many. */
  int dropAll() throws Exception;

  static String idOf(String stored) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(stored.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
