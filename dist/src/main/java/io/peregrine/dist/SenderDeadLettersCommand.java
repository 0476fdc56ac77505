package io.peregrine.dist;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code peregrine sender dead-letters list|show|replay|drop}: the sender's dead letters through its HTTP API
 * ({@code /api/v1/dead-letters}), so it works against a running sender wherever its events come from (Redis or
 * all-in-one's in-process queue). Prints the API's JSON answer; exit code 0 on 2xx, 1 otherwise.
 */
@Command(name = "dead-letters", mixinStandardHelpOptions = true,
    description = "List, show, replay or drop the events a running sender gave up on (its HTTP API).",
    subcommands = {SenderDeadLettersCommand.ListCmd.class, SenderDeadLettersCommand.Show.class,
        SenderDeadLettersCommand.Replay.class, SenderDeadLettersCommand.Drop.class})
final class SenderDeadLettersCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Option(names = "--url", paramLabel = "URL",
      description = "the sender's HTTP API; default: http:// and sender.httpListen from the config")
  String url;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  String base() {
    String u = url;
    if (u == null || u.isBlank()) {
      u = "http://" + options.load(PeregrineConfig.defaults()).sender().httpListen();
    }
    return (u.endsWith("/") ? u.substring(0, u.length() - 1) : u) + "/api/v1/dead-letters";
  }

  int call(String method, String path, PrintWriter out, PrintWriter err) {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30));
    r.method(method, HttpRequest.BodyPublishers.noBody());
    try {
      HttpResponse<String> answer = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
          .send(r.build(), HttpResponse.BodyHandlers.ofString());
      boolean ok = answer.statusCode() / 100 == 2;
      (ok ? out : err).println(answer.body());
      (ok ? out : err).flush();
      return ok ? 0 : 1;
    } catch (IOException e) {
      err.println("cannot reach the sender at " + base() + ": " + e.getMessage());
      err.flush();
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  abstract static class Sub implements Callable<Integer> {
    @ParentCommand SenderDeadLettersCommand parent;
    @Spec CommandSpec spec;

    int run(String method, String path) {
      return parent.call(method, path, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "The newest dead letters with their ids.")
  static final class ListCmd extends Sub {
    @Option(names = "--limit", defaultValue = "100", description = "at most this many (1..100)")
    int limit;

    @Override
    public Integer call() {
      return run("GET", "?limit=" + limit);
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "One dead letter: event, reason, time.")
  static final class Show extends Sub {
    @Parameters(paramLabel = "ID") String id;

    @Override
    public Integer call() {
      return run("GET", "/" + id);
    }
  }

  /** A sub-command that acts on one dead letter by id, or on all of them with {@code --all}. */
  abstract static class OneOrAll extends Sub {
    @Parameters(paramLabel = "ID", arity = "0..1") String id;
    @Option(names = "--all", description = "every dead letter") boolean all;

    int run(String method, String allPath, String onePath) {
      if (all == (id != null)) {
        spec.commandLine().getErr().println("give one dead letter ID or --all");
        return 2;
      }
      return run(method, all ? allPath : onePath);
    }
  }

  @Command(name = "replay", mixinStandardHelpOptions = true,
      description = "Queue a dead letter (or --all) again; nobody already told is told again.")
  static final class Replay extends OneOrAll {
    @Override
    public Integer call() {
      return run("POST", "/replay", "/" + id + "/replay");
    }
  }

  @Command(name = "drop", mixinStandardHelpOptions = true, description = "Delete a dead letter (or --all).")
  static final class Drop extends OneOrAll {
    @Override
    public Integer call() {
      return run("DELETE", "?all=true", "/" + id);
    }
  }
}
