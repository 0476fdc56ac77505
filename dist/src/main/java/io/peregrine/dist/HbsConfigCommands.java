package io.peregrine.dist;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.hbs.admin.ConfigPieces;
import io.peregrine.hbs.auth.AdminBootstrap;
import io.peregrine.hbs.auth.AdminRecovery;
import io.peregrine.hbs.admin.ConfigYaml;
import io.peregrine.hbs.store.Database;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code peregrine hbs export} and {@code peregrine hbs import FILE [--dry-run]}: hbs's whole configuration as YAML,
 * or with {@code --template NAME} / {@code --group NAME} one template or host group ({@link ConfigPieces}), read
 * from and written to the database of {@code hbs.jdbcUrl} directly (a running hbs sees an import at its next
 * {@code configRefresh} check). Exit code 0 on success, 1 on a bad file, an unknown piece or a database error.
 */
final class HbsConfigCommands {
  private HbsConfigCommands() {}

  private static Database open(ConfigOptions options) {
    Database db = new Database(options.load(PeregrineConfig.defaults()).hbs(), new SimpleMeterRegistry());
    db.start();
    return db;
  }

  /** {@code --template NAME} or {@code --group NAME}: one piece of the configuration instead of all of it. */
  static final class PieceOptions {
    @Option(names = "--template", paramLabel = "NAME", description = "only this template (and its strategies)")
    String template;

    @Option(names = "--group", paramLabel = "NAME", description = "only this host group (hosts, templates, plugins)")
    String group;

    /** Null for the whole configuration. */
    ConfigPieces.Kind kind(CommandSpec spec) {
      if (template != null && group != null) {
        throw new ParameterException(spec.commandLine(), "give --template or --group, not both");
      }
      return template != null ? ConfigPieces.Kind.TEMPLATE : group != null ? ConfigPieces.Kind.GROUP : null;
    }

    String name() {
      return template != null ? template : group;
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Print hbs's configuration, or one template or group, as YAML (names, not ids; stable order).")
  static final class Export implements Callable<Integer> {
    @Mixin ConfigOptions options;
    @Mixin PieceOptions piece;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      ConfigPieces.Kind kind = piece.kind(spec);
      try (Database db = open(options)) {
        PrintWriter out = spec.commandLine().getOut();
        out.print(kind == null ? new ConfigYaml(db).export() : new ConfigPieces(db).export(kind, piece.name()));
        out.flush();
        return 0;
      } catch (NoSuchElementException e) {
        spec.commandLine().getErr().println(e.getMessage());
        spec.commandLine().getErr().flush();
        return 1;
      }
    }
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Make hbs's configuration (or, with --template/--group, that one template or group) equal to a "
          + "YAML file from export; prints the changes.")
  static final class Import implements Callable<Integer> {
    @Mixin ConfigOptions options;
    @Mixin PieceOptions piece;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "YAML written by 'peregrine hbs export'")
    Path file;

    @Option(names = "--dry-run", description = "print the changes, write nothing")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
      ConfigPieces.Kind kind = piece.kind(spec);
      String text = Files.readString(file, StandardCharsets.UTF_8);
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try (Database db = open(options)) {
        List<String> changes = kind == null ? new ConfigYaml(db).importYaml(text, dryRun)
            : new ConfigPieces(db).importPiece(text, kind, piece.name(), dryRun);
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

  @Command(name = "reset-admin", mixinStandardHelpOptions = true,
      description = "Give a user (default admin) the admin role and a new password, straight in hbs's database: "
          + "the way back in when every admin password is lost. Revokes the user's sessions; audited.")
  static final class ResetAdmin implements Callable<Integer> {
    @Mixin ConfigOptions options;
    @Spec CommandSpec spec;

    @Option(names = "--user", paramLabel = "NAME", defaultValue = AdminBootstrap.ADMIN_NAME,
        description = "the user to make admin (created when missing); default ${DEFAULT-VALUE}")
    String user;

    @Option(names = "--password-stdin", description = "read the new password (12..72 bytes) from the first line "
        + "of standard input instead of printing a random one")
    boolean passwordStdin;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      String password = "";
      if (passwordStdin) {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        password = line == null ? "" : line;
        if (password.isEmpty()) {
          err.println("--password-stdin: standard input holds no password");
          err.flush();
          return 1;
        }
      }
      try (Database db = open(options)) {
        AdminRecovery.Result r = AdminRecovery.reset(db, Clock.systemUTC(), user, password);
        out.println("hbs: user '" + r.user() + "' (id " + r.userId() + (r.created() ? ", made now" : "")
            + ") has the admin role and a new password" + (r.generated() ? ": " + r.password()
            + " (shown only now; change it with PUT /api/v1/auth/password)" : " (from standard input)")
            + "; " + r.sessionsRevoked() + " session(s) revoked; recorded in the audit log");
        out.flush();
        return 0;
      } catch (IllegalArgumentException e) {
        err.println("reset-admin: " + e.getMessage());
        err.flush();
        return 1;
      }
    }
  }
}
