package io.peregrine.sender.queue;

import io.peregrine.common.event.AlertQueues;

/**
 * The Redis keys of one sender, all behind the configured prefix:
 * <ul>
 *   <li>{@code event:p0} .. {@code event:p6}: Open-Falcon's queues; the judge LPUSHes, the sender RPOPs (FIFO);
 *   <li>{@code event:processing:<consumerId>}: events this sender took and has not acknowledged yet;
 *   <li>{@code event:dead}: events given up on, newest first, each wrapped as {@code {event, reason, failedAt}}.
 * </ul>
 * In Redis Cluster every key of one take must live in one slot: use a prefix with a hash tag, e.g. {@code {pg}:}.
 */
final class RedisKeys {
  private final String prefix;
  private final String processing;

  RedisKeys(String prefix, String consumerId) {
    this.prefix = prefix;
    this.processing = prefix + "event:processing:" + consumerId;
  }

  String prefix() {
    return prefix;
  }

  String queue(int priority) {
    return AlertQueues.name(prefix, priority);
  }

  String processing() {
    return processing;
  }

  String dead() {
    return prefix + "event:dead";
  }

  /** p0 .. p6, then the processing list: the KEYS of the take script. */
  String[] takeKeys() {
    String[] keys = new String[AlertQueues.MAX_PRIORITY + 2];
    for (int p = AlertQueues.MIN_PRIORITY; p <= AlertQueues.MAX_PRIORITY; p++) {
      keys[p] = queue(p);
    }
    keys[keys.length - 1] = processing;
    return keys;
  }
}
