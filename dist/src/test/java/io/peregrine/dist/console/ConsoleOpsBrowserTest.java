package io.peregrine.dist.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.EventStrategy;
import io.peregrine.common.event.EventTemplate;
import io.peregrine.common.event.InProcessAlertQueue;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The Alerts, Configuration and Dead letters pages in a real Chromium against the all-in-one pipeline: a strategy
 * made in the editor fires on a value pushed through transfer and shows in Alerts, where an editor acknowledges it;
 * the editor refuses a bad threshold; a viewer cannot save; a dead letter (a webhook that refuses every event, the
 * sender's real path) is listed, inspected and replayed. The sender's webhook answers 400 until the replay.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleOpsBrowserTest {
  private static final String EDITOR = "ed";
  private static final String VIEWER = "vi";
  private static final String PASSWORD = "console-ops-Pass-1";
  private static final String METRIC = "ops.queue.depth";
  @TempDir static Path dir;
  static ConsoleHarness h;
  static HttpServer hook;
  static final AtomicInteger hookStatus = new AtomicInteger(400);
  static final Queue<String> hookBodies = new ConcurrentLinkedQueue<>();
  static long strategyId;

  @BeforeAll
  static void start() throws Exception {
    hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    hook.createContext("/", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      int status = hookStatus.get();
      if (status < 300) {
        hookBodies.add(body);
      }
      ex.sendResponseHeaders(status, -1);
      ex.close();
    });
    hook.start();
    h = new ConsoleHarness(dir, Map.of("sender.webhookUrl", "http://127.0.0.1:" + hook.getAddress().getPort()
        + "/hook"));
    h.user(EDITOR, PASSWORD, "editor");
    h.user(VIEWER, PASSWORD, "viewer");
  }

  @AfterAll
  static void stop() {
    try {
      if (h != null) {
        h.close();
      }
    } finally {
      if (hook != null) {
        hook.stop(0);
      }
    }
  }

  private static long demoTemplate() throws Exception {
    JsonNode t = h.call("GET", "/api/v1/templates?namePrefix=peregrine-demo", h.adminToken(), null).json();
    return t.get(0).get("id").asLong();
  }

  private static void type(String css, String text) {
    WebElement e = h.waitFor(css);
    e.clear();
    e.sendKeys(text);
  }

  private static void push(double value, long timestamp) throws Exception {
    String body = "[{\"endpoint\":\"" + h.hostname + "\",\"metric\":\"" + METRIC + "\",\"timestamp\":" + timestamp
        + ",\"step\":60,\"value\":" + value + ",\"counterType\":\"GAUGE\",\"tags\":\"\"}]";
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + h.all.transfer().httpPort() + "/api/push")).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @Test
  @Order(1)
  void anEditorMakesAStrategySeesItsAlertAndAcknowledgesIt() throws Exception {
    long template = demoTemplate();
    h.login(EDITOR, PASSWORD);
    h.open("config?tab=strategies&new=1&templateId=" + template);
    type("#strategy-form [name=metric]", METRIC);
    type("#strategy-form [name=func]", "all(#1)");
    h.js("const s = document.querySelector('#strategy-form [name=operator]'); s.value = '>';");
    type("#strategy-form [name=maxStep]", "5");

    // a threshold that is not a number: refused in the browser, with the field named
    type("#strategy-form [name=rightValue]", "ninety");
    h.driver.findElement(By.id("strategy-save")).click();
    WebElement error = h.waitFor("#strategy-form .field-error");
    assertThat(error.getText()).contains("must be a finite number (the threshold), got 'ninety'");
    assertThat(h.driver.findElement(By.cssSelector("#strategy-form [name=rightValue]")).getAttribute("class"))
        .contains("invalid");
    assertThat(h.call("GET", "/api/v1/strategies?metric=" + METRIC, h.adminToken(), null).json()).isEmpty();

    // the rule test on sample input, through the judge
    type("#strategy-form [name=rightValue]", "90");
    type("#rule-test-values", "50 95 96 20");
    h.driver.findElement(By.id("rule-test-run")).click();
    await().atMost(Duration.ofSeconds(20)).until(() -> h.driver.findElement(By.id("rule-test-result")).getText()
        .contains("2 events"));
    assertThat(h.driver.findElement(By.id("rule-test-result")).getText()).contains("PROBLEM").contains("OK");
    h.screenshot("config-strategy-editor");

    h.driver.findElement(By.id("strategy-save")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> h.call("GET", "/api/v1/strategies?metric=" + METRIC,
        h.adminToken(), null).json().size() == 1);
    JsonNode saved = h.call("GET", "/api/v1/strategies?metric=" + METRIC, h.adminToken(), null).json().get(0);
    strategyId = saved.get("id").asLong();
    assertThat(saved.get("rightValue").asText()).isEqualTo("90");
    assertThat(saved.get("templateId").asLong()).isEqualTo(template);

    // a crossing value pushed through transfer, until the judge (refreshing every second) has the strategy
    long[] t = {System.currentTimeMillis() / 1000 - 600};
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
      push(99, t[0] += 60);
      return h.call("GET", "/api/v1/open-incidents?metric=" + METRIC, h.adminToken(), null).json().size() == 1;
    });

    h.open("alerts?metric=" + METRIC);
    WebElement ack = h.waitFor("#open-incidents tr.incident button.ack");
    assertThat(h.driver.findElement(By.id("open-incidents")).getText()).contains(h.hostname).contains(METRIC)
        .contains("strategy " + strategyId);
    h.screenshot("alerts");
    ack.click();
    type("#open-incidents .ack-comment", "draining the queue");
    h.driver.findElement(By.cssSelector("#open-incidents .ack-form button[type=submit]")).click();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      WebElement open = h.driver.findElement(By.id("open-incidents"));
      if (open.getText().contains("acknowledged by " + EDITOR)) {
        return true;
      }
      h.driver.findElement(By.id("alerts-refresh")).click();
      return false;
    });
    assertThat(h.driver.findElement(By.id("open-incidents")).getText()).contains("draining the queue");
    String eventId = h.call("GET", "/api/v1/open-incidents?metric=" + METRIC, h.adminToken(), null).json().get(0)
        .get("eventId").asText();
    JsonNode incident = h.call("GET", "/console/api/sender/api/v1/incidents/" + eventId, h.adminToken(), null)
        .json();
    assertThat(incident.get("acknowledgedBy").asText()).isEqualTo(EDITOR);
    assertThat(h.driver.findElement(By.id("recent-events")).getText()).contains("opened");
    h.screenshot("alerts-acknowledged");

    // a silence from the incident's row: a bad regex is refused in the browser, then one on host and metric
    h.driver.findElement(By.cssSelector("#open-incidents tr.incident .row-actions button.link")).click();
    List<WebElement> values = h.driver.findElements(By.cssSelector("#silence-form .matcher-value"));
    assertThat(values).hasSize(2);
    assertThat(values.get(0).getAttribute("value")).isEqualTo(h.hostname);
    h.driver.findElement(By.id("silence-add-matcher")).click();
    List<WebElement> rows = h.driver.findElements(By.cssSelector("#silence-form .matcher"));
    WebElement third = rows.get(2);
    third.findElement(By.cssSelector(".matcher-name")).clear();
    third.findElement(By.cssSelector(".matcher-name")).sendKeys("tags.queue");
    third.findElement(By.cssSelector(".matcher-value")).sendKeys("(unclosed");
    third.findElement(By.cssSelector(".matcher-regex")).click();
    type("#silence-comment", "draining, quiet please");
    h.driver.findElement(By.id("silence-submit")).click();
    assertThat(h.waitFor("#silence-form .field-error").getText()).contains("not a regular expression");
    third.findElement(By.cssSelector("button.link")).click();
    h.driver.findElement(By.id("silence-submit")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> h.driver.findElement(By.id("silence-list")).getText()
        .contains("endpoint=" + h.hostname));
    JsonNode silence = h.call("GET", "/api/v1/silences?state=active", h.adminToken(), null).json().get(0);
    assertThat(silence.get("author").asText()).isEqualTo(EDITOR);
    assertThat(silence.get("comment").asText()).isEqualTo("draining, quiet please");
    assertThat(silence.get("endsAt").asLong() - silence.get("startsAt").asLong()).isBetween(3000L, 3700L);
    h.js("document.getElementById('silences').scrollIntoView()");
    h.screenshot("alerts-silence");
    h.driver.findElement(By.cssSelector("#silence-list button.expire")).click();
    h.driver.switchTo().alert().accept();
    await().atMost(Duration.ofSeconds(10)).until(() -> h.call("GET", "/api/v1/silences/" + silence.get("id")
        .asLong(), h.adminToken(), null).json().get("state").asText().equals("expired"));

    // maintenance for this host from the same page, then cleared
    type("#maintenance-host", h.hostname);
    h.driver.findElement(By.id("maintenance-submit")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> h.driver.findElement(By.id("maintenance-list")).getText()
        .contains(h.hostname));
    JsonNode host = h.call("GET", "/api/v1/hosts?hostnamePrefix=" + h.hostname, h.adminToken(), null).json().get(0);
    assertThat(host.get("maintainEnd").asLong()).isGreaterThan(System.currentTimeMillis() / 1000);
    h.driver.findElement(By.id("maintenance-clear")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> h.call("GET", "/api/v1/hosts?hostnamePrefix=" + h.hostname,
        h.adminToken(), null).json().get(0).get("maintainEnd").asLong() == 0);
  }

  @Test
  @Order(2)
  void aViewerSeesTheStrategyButCannotSaveIt() throws Exception {
    h.login(VIEWER, PASSWORD);
    h.open("config?tab=strategies&id=" + strategyId);
    h.waitFor("#strategy-readonly");
    assertThat(h.driver.findElements(By.id("strategy-save"))).isEmpty();
    assertThat(h.driver.findElement(By.cssSelector("#strategy-form [name=rightValue]")).isEnabled()).isFalse();
    // the server refuses the same write from this session, whatever the page shows
    Object status = h.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
        + "import('/console/api.js').then(m => m.api('/api/v1/strategies/' + arguments[0], {method: 'PATCH',"
        + " body: {rightValue: 1}})).then(() => done(200), e => done(e.status));", strategyId);
    assertThat(((Number) status).intValue()).isEqualTo(403);
    h.open("alerts");
    h.waitFor("#open-incidents");
    assertThat(h.driver.findElements(By.cssSelector("#open-incidents button.ack"))).isEmpty();
    assertThat(h.driver.findElement(By.id("silence-form")).isDisplayed()).isFalse();
    // a child template: its own strategy overrides the parent's on the same metric, the rest is inherited
    long parent = demoTemplate();
    ConsoleHarness.Answer child = h.call("POST", "/api/v1/templates", h.adminToken(),
        "{\"name\":\"ops-child\",\"parentId\":" + parent + "}");
    assertThat(child.status()).as(child.body()).isEqualTo(201);
    long childId = child.json().get("id").asLong();
    assertThat(h.call("POST", "/api/v1/strategies", h.adminToken(), "{\"templateId\":" + childId
        + ",\"metric\":\"cpu.busy\",\"func\":\"all(#5)\",\"operator\":\">\",\"rightValue\":95,"
        + "\"priority\":1}").status()).isEqualTo(201);
    h.open("config?tab=templates&id=" + childId);
    h.waitFor("#template-detail h3");
    String detail = h.driver.findElement(By.id("template-detail")).getText();
    assertThat(detail).contains("Inherits: peregrine-demo").contains("inherited from peregrine-demo")
        .contains("overridden").contains("own");
    assertThat(h.driver.findElements(By.id("template-delete"))).isEmpty();
    h.screenshot("config-templates-viewer");
  }

  @Test
  @Order(3)
  void anAdminListsInspectsAndReplaysADeadLetter() throws Exception {
    InProcessAlertQueue queue = (InProcessAlertQueue) h.all.sender().source();
    String id = "s_4242_" + "0".repeat(24) + "deadbeef";
    EventStrategy s = new EventStrategy(4242, "ops.dead", Map.of(), "all(#1)", ">", 1, 3, 2, "dead letter demo",
        new EventTemplate(4, "t", 0, 0, "root"));
    long now = System.currentTimeMillis() / 1000;
    queue.publish(new AlertEvent(id, s, null, AlertEvent.PROBLEM, h.hostname, 5, 1, now, Map.of(), 2, "ops.dead",
        AlertEvent.keyOf(id, AlertEvent.PROBLEM, now, 1), List.of(5.0)));
    await().atMost(Duration.ofSeconds(30)).until(() -> queue.deadLetters().stream().anyMatch(d -> d.contains(id)));

    h.login("admin", ConsoleHarness.ADMIN_PASSWORD);
    h.open("deadletters");
    h.waitFor("#dead-letter-list tr.dead-letter");
    WebElement row = h.driver.findElements(By.cssSelector("#dead-letter-list tr.dead-letter")).stream()
        .filter(r -> r.getText().contains(id)).findFirst().orElseThrow();
    row.findElement(By.cssSelector("button.inspect")).click();
    assertThat(h.waitFor("#dead-letter-json").getText()).contains(id).contains("\"reason\"");
    h.screenshot("deadletters");

    hookStatus.set(200);
    row = h.driver.findElements(By.cssSelector("#dead-letter-list tr.dead-letter")).stream()
        .filter(r -> r.getText().contains(id)).findFirst().orElseThrow();
    row.findElement(By.cssSelector("button.replay")).click();
    await().atMost(Duration.ofSeconds(30)).until(() -> hookBodies.stream().anyMatch(b -> b.contains(id)));
    await().atMost(Duration.ofSeconds(10)).until(() -> queue.deadLetters().stream().noneMatch(d -> d.contains(id)));

    // editors do not reach dead letters: the proxy refuses them
    String editorToken = h.call("POST", "/api/v1/auth/login", null, "{\"name\":\"" + EDITOR + "\",\"password\":\""
        + PASSWORD + "\"}").json().get("token").asText();
    assertThat(h.call("POST", "/console/api/sender/api/v1/dead-letters/replay", editorToken, null).status())
        .isEqualTo(403);
  }
}
