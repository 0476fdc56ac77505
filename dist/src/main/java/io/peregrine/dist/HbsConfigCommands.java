package io.peregrine.dist;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.hbs.admin.ConfigYaml;
import io.peregrine.hbs.store.Database;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code peregrine hbs export} and {@code peregrine hbs import FILE [--dry-run]}: hbs's whole configuration as YAML,
 * read from and written to the database of {@code hbs.jdbcUrl} directly (a running hbs sees an import at its next
 * {@code configRefresh}). Exit code 0 on success, 1 on a bad file or a database error.
 */
final class HbsConfigCommands {
  private HbsConfigCommands() {}

  private static Database open(ConfigOptions options) {
    Database db = new Database(options.load(PeregrineConfig.defaults()).hbs(), new SimpleMeterRegistry());
    db.start();
    return db;
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Print hbs's configuration as YAML (names, not ids; stable order).")
  static final class Export implements Callable<Integer> {
    @Mixin ConfigOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      try (Database db = open(options)) {
        PrintWriter out = spec.commandLine().getOut();
        out.print(new ConfigYaml(db).export());
        out.flush();
        return 0;
      }
    }
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Make hbs's configuration equal to a YAML file from export; prints the changes.")
  static final class Import implements Callable<Integer> {
    @Mixin ConfigOptions options;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "YAML written by 'peregrine hbs export'")
    Path file;

    @Option(names = "--dry-run", description = "print the changes, write nothing")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try (Database db = open(options)) {
        List<String> changes = new ConfigYaml(db).importYaml(text, dryRun);
        changes.forEach(out::println);
        out.println(changes.isEmpty() ? "no changes" : changes.size() + " change(s)"
            + (dryRun ? " (dry run: nothing written)" : " applied"));
        out.flush();
        return 0;
      } catch (IllegalArgumentException e) {
        err.println(file + ": " + e.getMessage());
        err.flush();
        return 1;
      }
    }
  }
}
