package io.peregrine.dist;

import io.peregrine.common.config.ConfigLoader;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code peregrine all-in-one}: the whole pipeline on this host with embedded defaults. */
@Command(name = "all-in-one", mixinStandardHelpOptions = true,
    description = {
        "Run every component in one JVM on loopback with embedded defaults: H2 config database and graph files "
            + "under ./data, an in-process alert queue (or Redis with --redis), alerts printed to this console.",
        "This host's metrics flow at once; a demo strategy (agent.alive) fires within a minute to show delivery."})
final class AllInOneCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(AllInOneCommand.class);

  @Mixin ConfigOptions options;

  @Option(names = "--redis", paramLabel = "URL",
      description = "send alerts through Redis (e.g. redis://127.0.0.1:6379/0) instead of the in-process queue; "
          + "sets judge.redisUrl and sender.redisUrl")
  String redis;

  @Option(names = "--redis-prefix", paramLabel = "PREFIX", defaultValue = "",
      description = "key prefix for the alert queues in Redis (default none: event:p0..event:p6)")
  String redisPrefix;

  @Option(names = "--data", paramLabel = "DIR", description = "data directory (default ./data)")
  String dataDir;

  @Override
  public Integer call() {
    return Runner.run("all-in-one", lifecycle -> {
      PeregrineConfig config = options.load(AllInOne.defaults());
      Map<String, Object> cli = new LinkedHashMap<>();
      if (redis != null) {
        cli.put("judge.redisUrl", redis);
        cli.put("judge.redisKeyPrefix", redisPrefix);
        cli.put("sender.redisUrl", redis);
        cli.put("sender.redisKeyPrefix", redisPrefix);
      }
      if (dataDir != null) {
        DataDirs.put(cli, dataDir);
      }
      if (!cli.isEmpty()) {
        config = new ConfigLoader().with(config, PeregrineConfig.class, cli);
      }
      AllInOne all = new AllInOne(lifecycle, Clock.systemUTC(), System.out);
      all.start(config);
      log.info("all-in-one ready: host {} is reporting every {}; push metrics to http://127.0.0.1:{}/v1/push, "
              + "query http://127.0.0.1:{}/api/v1/series, alerts print here{}; hbs admin API on http://127.0.0.1:{} "
              + "(token of the first admin: {})", all.agent().hostname(),
          config.agent().collectInterval(), all.agent().httpPort(), all.graph().httpPort(),
          redis == null ? "" : " (through Redis " + redis + ")", all.hbs().httpPort(),
          config.hbs().adminTokenFile().isEmpty() ? "none written" : config.hbs().adminTokenFile());
    });
  }
}
