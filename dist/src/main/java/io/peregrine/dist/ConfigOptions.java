package io.peregrine.dist;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every running command shares. */
final class ConfigOptions {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "YAML (or JSON) config file; every key can also be set by environment variable, "
          + "e.g. transfer.grpcListen = PEREGRINE_TRANSFER_GRPC_LISTEN. See `peregrine config --env`.")
  Path file;

  PeregrineConfig load(PeregrineConfig defaults) {
    return PeregrineConfig.load(file, defaults, System.getenv());
  }
}
