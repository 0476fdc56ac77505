package io.peregrine.dist;

import io.peregrine.common.config.ConfigException;
import io.peregrine.common.config.ConfigLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Prints the effective configuration (defaults + file + environment), or the environment variable names. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Print the effective configuration as YAML (after the file and PEREGRINE_* variables), "
        + "or with --env every environment variable Peregrine reads.")
final class ConfigCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Option(names = "--env", description = "list the environment variable names instead")
  boolean env;

  @Option(names = "--all-in-one", description = "start from all-in-one's defaults")
  boolean allInOne;

  @Override
  public Integer call() {
    PeregrineConfig defaults = allInOne ? AllInOne.defaults() : PeregrineConfig.defaults();
    ConfigLoader loader = new ConfigLoader();
    if (env) {
      loader.environmentNames(defaults).forEach(System.out::println);
      return 0;
    }
    try {
      System.out.print(loader.toYaml(options.load(defaults)));
      return 0;
    } catch (ConfigException e) {
      System.err.println("peregrine config: " + e.getMessage());
      return 2;
    }
  }
}
