package io.peregrine.hbs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.peregrine.common.time.ManualClock;
import io.peregrine.hbs.console.ConsoleConfig;
import io.peregrine.hbs.console.ConsoleSession;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's access over plain HTTP: the session cookie, its expiry, CSRF on writes, a viewer refused on every
 * write (hbs's API and the proxy), and the proxy's forwarding to a real HTTP server on loopback.
 */
class ConsoleAccessH2Test {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "console-Secret-42";
  private static final String DASHBOARD = "{\"name\":\"d1\",\"graphs\":[{\"endpoints\":\"^web\",\"counters\":\"cpu\"}]}";

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(HbsHarness.NOW);
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> upstreamSaw = new CopyOnWriteArrayList<>();
  private TestDatabase db;
  private HbsHarness hbs;
  private HttpServer graph;

  record Session(String cookie, String csrf, HttpResponse<String> login) {
  }

  @BeforeEach
  void start() throws Exception {
    graph = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    graph.createContext("/", ex -> {
      upstreamSaw.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " auth="
          + ex.getRequestHeaders().getFirst("Authorization") + " body="
          + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      if (ex.getRequestURI().getPath().equals("/api/v1/huge")) { // one byte over what the proxy passes on
        ex.sendResponseHeaders(200, 0);
        byte[] mib = new byte[1 << 20];
        for (int i = 0; i < 32; i++) {
          ex.getResponseBody().write(mib);
        }
        ex.getResponseBody().write('x');
        ex.close();
        return;
      }
      byte[] out = "{\"counters\":[]}".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, out.length);
      ex.getResponseBody().write(out);
      ex.close();
    });
    graph.start();
    db = TestDatabase.h2(dir);
    ConsoleConfig console = new ConsoleConfig(true, "http://127.0.0.1:" + graph.getAddress().getPort(), "", "",
        Duration.ofHours(1), "upstream-secret");
    hbs = new HbsHarness(HbsHarness.config(db).withConsole(console), clock);
  }

  @AfterEach
  void stop() throws Exception {
    if (hbs != null) {
      hbs.close();
    }
    if (db != null) {
      db.close();
    }
    graph.stop(0);
  }

  private void user(String name, String role) throws Exception {
    long id = hbs.create("/api/v1/users", "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}");
    assertThat(hbs.put("/api/v1/users/" + id + "/password", "{\"password\":\"" + PASSWORD + "\"}").status())
        .isEqualTo(200);
  }

  private Session login(String name) throws Exception {
    HttpResponse<String> r = send("POST", "/console/api/login", null, null,
        "{\"name\":\"" + name + "\",\"password\":\"" + PASSWORD + "\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    return new Session(cookie, JSON.readTree(r.body()).get("csrf").asText(), r);
  }

  private HttpResponse<String> send(String method, String path, String cookie, String csrf, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hbs.server.httpPort() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    if (csrf != null) {
      b.header(ConsoleSession.CSRF_HEADER, csrf);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void loginSetsAStrictHttpOnlyCookieAndTheSessionAnswersTheUser() throws Exception {
    user("erin", "editor");
    Session s = login("erin");
    String setCookie = s.login().headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).startsWith(ConsoleSession.COOKIE + "=pgr_").contains("HttpOnly", "SameSite=Strict",
        "Path=/", "Max-Age=3600");
    JsonNode me = JSON.readTree(send("GET", "/console/api/session", s.cookie(), null, null).body());
    assertThat(me.get("user").asText()).isEqualTo("erin");
    assertThat(me.get("role").asText()).isEqualTo("editor");
    assertThat(me.get("csrf").asText()).isEqualTo(s.csrf());
    assertThat(me.get("expiresAt").asLong()).isEqualTo(HbsHarness.NOW.getEpochSecond() + 3600);
    assertThat(send("GET", "/api/v1/host-overview", s.cookie(), null, null).statusCode()).isEqualTo(200);
    assertThat(send("POST", "/console/api/login", null, null, "{\"name\":\"erin\",\"password\":\"nope-nope-1\"}")
        .statusCode()).isEqualTo(401);
  }

  @Test
  void theSessionExpiresAfterItsLifetime() throws Exception {
    user("erin", "editor");
    Session s = login("erin");
    clock.advance(Duration.ofMinutes(59));
    assertThat(send("GET", "/console/api/session", s.cookie(), null, null).statusCode()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(1));
    HttpResponse<String> expired = send("GET", "/console/api/session", s.cookie(), null, null);
    assertThat(expired.statusCode()).isEqualTo(401);
    assertThat(expired.body()).contains("session has expired");
    assertThat(send("GET", "/api/v1/hosts", s.cookie(), null, null).statusCode()).isEqualTo(401);
  }

  @Test
  void writesWithTheCookieNeedTheSessionsCsrfToken() throws Exception {
    user("erin", "editor");
    Session s = login("erin");
    HttpResponse<String> none = send("POST", "/api/v1/dashboards", s.cookie(), null, DASHBOARD);
    assertThat(none.statusCode()).isEqualTo(403);
    assertThat(none.body()).contains("CSRF");
    assertThat(send("POST", "/api/v1/dashboards", s.cookie(), "not-the-token", DASHBOARD).statusCode())
        .isEqualTo(403);
    Session other = login("erin"); // another session's token does not fit this cookie
    assertThat(send("POST", "/api/v1/dashboards", s.cookie(), other.csrf(), DASHBOARD).statusCode()).isEqualTo(403);
    assertThat(send("POST", "/console/api/logout", s.cookie(), null, null).statusCode()).isEqualTo(403);
    assertThat(send("POST", "/api/v1/dashboards", s.cookie(), s.csrf(), DASHBOARD).statusCode()).isEqualTo(201);
    assertThat(send("GET", "/api/v1/dashboards", s.cookie(), null, null).body()).contains("\"updatedBy\":\"erin\"");
    String audit = hbs.get("/api/v1/audit?actor=erin").body();
    assertThat(audit).contains("/console/api/login", "/api/v1/dashboards").doesNotContain(PASSWORD);
  }

  @Test
  void logoutEndsTheSession() throws Exception {
    user("erin", "editor");
    Session s = login("erin");
    HttpResponse<String> out = send("POST", "/console/api/logout", s.cookie(), s.csrf(), null);
    assertThat(out.statusCode()).isEqualTo(200);
    assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
    assertThat(send("GET", "/console/api/session", s.cookie(), null, null).statusCode()).isEqualTo(401);
  }

  @Test
  void aViewerReadsButCannotChangeAnything() throws Exception {
    user("vic", "viewer");
    Session s = login("vic");
    assertThat(send("GET", "/api/v1/dashboards", s.cookie(), null, null).statusCode()).isEqualTo(200);
    HttpResponse<String> save = send("POST", "/api/v1/dashboards", s.cookie(), s.csrf(), DASHBOARD);
    assertThat(save.statusCode()).isEqualTo(403);
    assertThat(save.body()).contains("needs scope 'write'");
    assertThat(send("PUT", "/api/v1/hosts/1/maintenance", s.cookie(), s.csrf(), "{\"begin\":0,\"end\":0}")
        .statusCode()).isEqualTo(403);
    // through the proxy: graph's reads (GET, and POST history) pass, its deletion and sender's writes do not
    assertThat(send("GET", "/console/api/graph/api/v1/counters?endpoint=web-1&pattern=cpu", s.cookie(), null, null)
        .statusCode()).isEqualTo(200);
    assertThat(send("POST", "/console/api/graph/api/v1/history", s.cookie(), s.csrf(), "{\"series\":[]}")
        .statusCode()).isEqualTo(200);
    assertThat(send("DELETE", "/console/api/graph/api/v1/series?endpoint=web-1", s.cookie(), s.csrf(), null)
        .statusCode()).isEqualTo(403);
    assertThat(send("POST", "/console/api/judge/api/v1/test", s.cookie(), s.csrf(), "{}").statusCode())
        .isEqualTo(403);
    assertThat(upstreamSaw).hasSize(2);
  }

  @Test
  void theProxyForwardsPathQueryAndBodyWithTheUpstreamToken() throws Exception {
    Session s = login("admin", HbsHarness.ADMIN_PASSWORD);
    HttpResponse<String> r = send("GET", "/console/api/graph/api/v1/counters?endpoint=web-1&pattern=cpu%5C.idle",
        s.cookie(), null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"counters\":[]}");
    send("POST", "/console/api/graph/api/v1/history", s.cookie(), s.csrf(), "{\"series\":[1]}");
    assertThat(upstreamSaw).containsExactly(
        "GET /api/v1/counters?endpoint=web-1&pattern=cpu%5C.idle auth=Bearer upstream-secret body=",
        "POST /api/v1/history auth=Bearer upstream-secret body={\"series\":[1]}");
    assertThat(send("GET", "/console/api/graph/metrics", s.cookie(), null, null).statusCode()).isEqualTo(404);
    assertThat(send("GET", "/console/api/sender/api/v1/dead-letters", s.cookie(), null, null).statusCode())
        .isEqualTo(503);
    assertThat(send("GET", "/console/api/graph/api/v1/counters", null, null, null).statusCode()).isEqualTo(401);
  }

  @Test
  void anUpstreamAnswerOverTheCapIsRefusedWithItsReason() throws Exception {
    Session s = login("admin", HbsHarness.ADMIN_PASSWORD);
    HttpResponse<String> r = send("GET", "/console/api/graph/api/v1/huge", s.cookie(), null, null);
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).contains("over 32 MiB");
  }

  @Test
  void theConsolesFilesAreServed() throws Exception {
    HttpResponse<String> index = send("GET", "/console/", null, null, null);
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).contains("app.js");
    assertThat(send("GET", "/console/pages/hosts.js", null, null, null).body()).contains("export async function render");
    assertThat(send("GET", "/webjars/uplot/1.6.30/dist/uPlot.esm.js", null, null, null).statusCode()).isEqualTo(200);
  }

  private Session login(String name, String password) throws Exception {
    HttpResponse<String> r = send("POST", "/console/api/login", null, null,
        "{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    return new Session(setCookie.substring(0, setCookie.indexOf(';')), JSON.readTree(r.body()).get("csrf").asText(), r);
  }
}
