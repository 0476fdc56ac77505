package io.peregrine.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.peregrine.agent.testing.FakeProc;
import io.peregrine.agent.testing.Fixtures;
import io.peregrine.proto.v1.BuiltinItem;
import io.peregrine.proto.v1.Sample;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuiltinChecksTest {
  @TempDir Path dir;
  private HostPaths paths;
  private final BuiltinChecks checks = new BuiltinChecks();
  private final AtomicLong nanos = new AtomicLong();

  @BeforeEach
  void setUp() {
    Fixtures.copy("vm-2cpu", dir);
    paths = new HostPaths(dir.resolve("proc"), dir.resolve("sys"), dir.resolve("root"));
  }

  private static BuiltinItem item(String metric, String tags) {
    return BuiltinItem.newBuilder().setMetric(metric).setTags(tags).build();
  }

  private static Map<String, Double> run(Collector c) throws Exception {
    List<Sample> out = new ArrayList<>();
    c.collect(new SampleEmitter("host1", 1_700_000_000L, 60, out::add));
    return out.stream().collect(Collectors.toMap(s -> s.getMetric() + "[" + s.getTags() + "]", Sample::getValue));
  }

  @Test
  void itemsThatCannotRunAreLeftOutAndTheRestKept() {
    BuiltinChecks.CheckSet set = checks.parse(List.of(item("net.port.listen", "port=80"),
        item("net.port.listen", "port=http"), item("net.port.listen", "port=70000"),
        item("proc.num", "name=nginx"), item("proc.num", "cmdline=java -jar app.jar,name=java"),
        item("proc.num", "user=root"), item("du.bs", "path=/data/log"), item("du.bs", "path=data"),
        item("url.check.health", "timeout=3,url=http://127.0.0.1:1/health"),
        item("url.check.health", "url=ftp://x/"), item("url.check.health", "timeout=999,url=http://x/"),
        item("cpu.idle", ""), item("net.port.listen", "port=80")));
    assertThat(set.ports()).extracting(BuiltinChecks.Port::port).containsExactly(80);
    assertThat(set.procs()).extracting(BuiltinChecks.Proc::name).containsExactly("nginx", "java");
    assertThat(set.procs().get(1).cmdline()).isEqualTo("java -jar app.jar");
    assertThat(set.du()).extracting(BuiltinChecks.Du::path).containsExactly("/data/log");
    assertThat(set.urls()).singleElement().satisfies(u -> {
      assertThat(u.timeout()).isEqualTo(Duration.ofSeconds(3));
      assertThat(u.tags()).isEqualTo("timeout=3,url=http://127.0.0.1:1/health");
    });
  }

  @Test
  void portChecksFollowTheSetHbsSent() throws Exception {
    PortListenCheck ports = new PortListenCheck(checks, new TcpTable(paths, nanos::get));
    assertThat(run(ports)).isEmpty();
    checks.update(List.of(item("net.port.listen", "port=6379"), item("net.port.listen", "port=80")));
    assertThat(run(ports)).containsExactlyInAnyOrderEntriesOf(
        Map.of("net.port.listen[port=6379]", 1.0, "net.port.listen[port=80]", 0.0));
    checks.update(List.of(item("net.port.listen", "port=3306")));
    assertThat(run(ports)).containsExactlyEntriesOf(Map.of("net.port.listen[port=3306]", 1.0));
  }

  @Test
  void processesAreCountedByExactNameAndCommandLineSubstring() throws Exception {
    FakeProc proc = new FakeProc(paths.proc())
        .write("100/stat", "100 (nginx) S 1 100 100 0 -1\n").write("100/cmdline", "nginx: master\0-g\0daemon off;\0")
        .write("101/stat", "101 (nginx) S 100 100 100 0 -1\n").write("101/cmdline", "nginx: worker\0")
        .write("200/stat", "200 (java) S 1 200 200 0 -1\n").write("200/cmdline", "java\0-jar\0/opt/app.jar\0")
        .write("300/stat", "300 (my (odd) proc) R 1\n").write("300/cmdline", "")
        .write("self/stat", "999 (java) S 1\n");
    Files.createDirectories(proc.root().resolve("400")); // exited: no stat left
    checks.update(List.of(item("proc.num", "name=nginx"), item("proc.num", "cmdline=-jar /opt/app.jar"),
        item("proc.num", "cmdline=other.jar,name=java"), item("proc.num", "name=my (odd) proc"),
        item("proc.num", "name=nginx: master")));
    assertThat(run(new ProcNumCheck(checks, paths))).containsExactlyInAnyOrderEntriesOf(Map.of(
        "proc.num[name=nginx]", 2.0,
        "proc.num[cmdline=-jar /opt/app.jar]", 1.0,
        "proc.num[cmdline=other.jar,name=java]", 0.0,
        "proc.num[name=my (odd) proc]", 1.0,
        "proc.num[name=nginx: master]", 0.0));
  }

  @Test
  void duSumsWhatIsUnderThePathAndReportsMinusOneOverBudgetOrMissing() throws Exception {
    Path logs = Files.createDirectories(paths.root().resolve("data/log/old"));
    Files.write(logs.resolve("a.log"), new byte[1000]);
    Files.write(logs.getParent().resolve("b.log"), new byte[234]);
    long expected;
    try (Stream<Path> all = Files.walk(paths.root().resolve("data/log"))) {
      expected = all.mapToLong(p -> {
        try {
          return Files.readAttributes(p, BasicFileAttributes.class).size();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).sum();
    }
    checks.update(List.of(item("du.bs", "path=/data/log"), item("du.bs", "path=/nowhere")));
    try (DuCheck du = new DuCheck(checks, paths, Duration.ofSeconds(5), nanos::get)) {
      assertThat(run(du)).containsExactlyInAnyOrderEntriesOf(
          Map.of("du.bs[path=/data/log]", (double) expected, "du.bs[path=/nowhere]", -1.0));
    }
    // a clock that moves 3 s at every look: the walk passes its 5 s budget after a few entries
    try (DuCheck slow = new DuCheck(checks, paths, Duration.ofSeconds(5),
        () -> nanos.addAndGet(3_000_000_000L))) {
      assertThat(slow.walk("/data/log")).isEqualTo(-1);
    }
  }

  @Test
  void urlHealthIsOneForA2xxWithinTheTimeoutAndZeroOtherwise() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/ok", ex -> {
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    server.createContext("/broken", ex -> {
      ex.sendResponseHeaders(500, -1);
      ex.close();
    });
    server.createContext("/moved", ex -> {
      ex.getResponseHeaders().add("Location", "/ok");
      ex.sendResponseHeaders(302, -1);
      ex.close();
    });
    server.createContext("/hangs", ex -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.close();
    });
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    try (UrlHealthCheck url = new UrlHealthCheck(checks)) {
      checks.update(List.of(item("url.check.health", "url=" + base + "/ok"),
          item("url.check.health", "url=" + base + "/broken"), item("url.check.health", "url=" + base + "/moved"),
          item("url.check.health", "timeout=1,url=" + base + "/hangs"),
          item("url.check.health", "timeout=1,url=http://127.0.0.1:1/closed")));
      assertThat(run(url)).containsExactlyInAnyOrderEntriesOf(Map.of(
          "url.check.health[url=" + base + "/ok]", 1.0,
          "url.check.health[url=" + base + "/broken]", 0.0,
          "url.check.health[url=" + base + "/moved]", 0.0,
          "url.check.health[timeout=1,url=" + base + "/hangs]", 0.0,
          "url.check.health[timeout=1,url=http://127.0.0.1:1/closed]", 0.0));
    } finally {
      release.countDown();
      server.stop(0);
      ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
  }
}
