package io.peregrine.sender.testing;

import io.peregrine.common.config.ConfigLoader;
import io.peregrine.sender.SenderConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Sender configs for tests: loopback port 0, no hbs, fast retries, then the test's own keys. */
public final class Configs {
  private Configs() {}

  public static SenderConfig sender(Map<String, Object> keys) {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("httpListen", "127.0.0.1:0");
    all.put("hbsAddress", "");
    all.put("retryBackoff", Duration.ofMillis(20));
    all.put("retryBackoffMax", Duration.ofMillis(100));
    all.put("timeZone", "UTC");
    all.putAll(keys);
    return new ConfigLoader().with(SenderConfig.defaults(), SenderConfig.class, all);
  }
}
