package io.peregrine.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code peregrine hbs export|import --template|--group} and {@code reset-admin} through picocli, on H2. */
class HbsConfigCommandsTest {
  @TempDir
  Path dir;
  private Path config;

  private record Run(int exit, String out, String err) {}

  @BeforeEach
  void writeConfig() throws Exception {
    config = Files.writeString(dir.resolve("peregrine.yaml"), "hbs:\n  jdbcUrl: \"jdbc:h2:file:" + dir.resolve("hbs")
        + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;CASE_INSENSITIVE_IDENTIFIERS=TRUE;NON_KEYWORDS=VALUE\"\n");
  }

  /** Standard streams are replaced before the command line is made: its writers wrap them from the start. */
  private Run run(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream previousOut = System.out;
    PrintStream previousErr = System.err;
    InputStream previousIn = System.in;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    try {
      int exit = new CommandLine(new Peregrine()).execute(args);
      System.out.flush();
      System.err.flush();
      return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(previousOut);
      System.setErr(previousErr);
      System.setIn(previousIn);
    }
  }

  @Test
  void oneTemplateImportsAndExportsAlone() throws Exception {
    Path piece = Files.writeString(dir.resolve("web.yaml"), """
        templates:
          - name: web
            strategies:
              - {metric: cpu.busy, operator: ">", rightValue: "90", priority: 2}
        groups:
          - {name: ignored}
        """);
    String c = config.toString();
    Run dry = run("", "hbs", "import", piece.toString(), "--template", "web", "--dry-run", "-c", c);
    assertThat(dry.exit()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("+ template web", "(dry run: nothing written)");
    assertThat(run("", "hbs", "export", "--template", "web", "-c", c).exit()).isEqualTo(1);
    assertThat(run("", "hbs", "import", piece.toString(), "--template", "web", "-c", c).out())
        .contains("1 change(s) applied");
    Run export = run("", "hbs", "export", "--template", "web", "-c", c);
    assertThat(export.exit()).isZero();
    assertThat(export.out()).contains("name: web", "metric: cpu.busy").doesNotContain("ignored", "groups");
    Run missing = run("", "hbs", "export", "--group", "ignored", "-c", c);
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("no group named 'ignored'");
    assertThat(run("", "hbs", "export", "--template", "web", "--group", "g", "-c", c).exit()).isEqualTo(2);
  }

  @Test
  void resetAdminPrintsAOneTimePasswordOrTakesOneFromStandardInput() {
    String c = config.toString();
    Run made = run("", "hbs", "reset-admin", "-c", c);
    assertThat(made.exit()).as(made.err()).isZero();
    assertThat(made.out()).contains("user 'admin'", "made now", "has the admin role and a new password: ",
        "recorded in the audit log");
    Run given = run("correct horse battery\n", "hbs", "reset-admin", "--user", "rescue", "--password-stdin",
        "-c", c);
    assertThat(given.out()).contains("user 'rescue'", "(from standard input)").doesNotContain("correct horse");
    Run bad = run("short\n", "hbs", "reset-admin", "--password-stdin", "-c", c);
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).contains("reset-admin: the password");
  }
}
