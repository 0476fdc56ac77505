package io.peregrine.dist;

import io.peregrine.agent.AgentServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * {@code peregrine agent [-c FILE | --config FILE | --config=FILE]} without picocli's model of every command, which
 * loads the classes of all the other components (Redis client, SQL, Jetty...) into a process that runs on every
 * node: about 1,300 classes and their metaspace. Logging is set up in code ({@link MinimalLogging}) instead of from
 * logback.xml. Any other arguments (help, version, a typo) go to the full launcher, which answers them.
 */
final class AgentLauncher {
  private AgentLauncher() {}

  /**
   * The config file named by arguments of the plain run form (after {@code agent}); an empty optional for no file;
   * null when the arguments are anything else.
   */
  static Optional<Path> plainRun(String[] args) {
    if (args.length == 0 || !args[0].equals("agent")) {
      return null;
    }
    if (args.length == 1) {
      return Optional.empty();
    }
    if (args.length == 2 && args[1].startsWith("--config=") && args[1].length() > "--config=".length()) {
      return Optional.of(Path.of(args[1].substring("--config=".length())));
    }
    if (args.length == 3 && (args[1].equals("-c") || args[1].equals("--config")) && !args[2].startsWith("-")) {
      return Optional.of(Path.of(args[2]));
    }
    return null;
  }

  static int run(Optional<Path> file) {
    MinimalLogging.select();
    Peregrine.routeJulToSlf4j();
    return Runner.run("agent", l -> l.start(
        new AgentServer(AgentSection.load(file.orElse(null), System.getenv()), Clock.systemUTC())));
  }
}
