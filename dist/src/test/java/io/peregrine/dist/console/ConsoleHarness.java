package io.peregrine.dist.console;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peregrine.common.lifecycle.Lifecycle;
import io.peregrine.dist.AllInOne;
import io.peregrine.dist.Pipeline;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's browser tests' world: the all-in-one pipeline on loopback (ports 0, files under a temp dir, a
 * known admin password), a headless Debian Chromium driven through {@code /usr/bin/chromedriver} (named
 * explicitly, so Selenium Manager never reaches for the network), logging in, and a screenshot per page under
 * {@code target/console-screenshots/}. One per test class: the pipeline starts once.
 */
public final class ConsoleHarness implements AutoCloseable {
  public static final String ADMIN_PASSWORD = "console-test-Admin-1";
  static final String CHROMIUM = "/usr/bin/chromium";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
  private static final ObjectMapper JSON = new ObjectMapper();

  public final String hostname = "console-" + UUID.randomUUID().toString().substring(0, 8);
  public final Pipeline.Console console = new Pipeline.Console();
  private final Lifecycle lifecycle = new Lifecycle("console-test");
  private final HttpClient http = HttpClient.newHttpClient();
  public final AllInOne all;
  public final ChromeDriver driver;
  private String adminToken;

  public ConsoleHarness(Path dir, Map<String, Object> extra) throws Exception {
    Map<String, Object> o = new LinkedHashMap<>(extra);
    o.put("hbs.adminPassword", ADMIN_PASSWORD);
    all = new AllInOne(lifecycle, Clock.systemUTC(), console.stream);
    try {
      all.start(Pipeline.loopbackConfig(dir, hostname, o));
      driver = startBrowser();
    } catch (Exception | Error e) {
      lifecycle.close();
      throw e;
    }
  }

  private static ChromeDriver startBrowser() {
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
        .usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM)
        .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,900",
            "--disable-dev-shm-usage");
    org.openqa.selenium.logging.LoggingPreferences logs = new org.openqa.selenium.logging.LoggingPreferences();
    logs.enable(org.openqa.selenium.logging.LogType.BROWSER, java.util.logging.Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    return new ChromeDriver(service, options);
  }

  /** The console's address, as all-in-one prints it. */
  public String url() {
    return all.consoleUrl();
  }

  public int hbsPort() {
    return all.hbs().httpPort();
  }

  /** Opens the console (a fresh page load) and logs in through its form; waits for the Hosts page's table. */
  public void login(String name, String password) {
    driver.manage().deleteAllCookies();
    driver.get(url() + "#/hosts");
    WebElement user = waitFor("#login-name");
    user.sendKeys(name);
    driver.findElement(By.id("login-password")).sendKeys(password);
    driver.findElement(By.id("login-submit")).click();
    waitFor("#whoami");
  }

  /** Goes to {@code #/<hashPath>} in the page already loaded. */
  public void open(String hashPath) {
    driver.executeScript("location.hash = arguments[0]", "#/" + hashPath);
  }

  /** Waits for an element to show; on a timeout the error carries the page's text and the browser's log. */
  /** What the page logged (errors included), one line each. */
  public String browserLog() {
    StringBuilder logs = new StringBuilder();
    driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER)
        .forEach(l -> logs.append(l.getLevel()).append(' ').append(l.getMessage()).append('\n'));
    return logs.toString();
  }

  public WebElement waitFor(String css) {
    try {
      return new WebDriverWait(driver, Duration.ofSeconds(20))
          .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    } catch (org.openqa.selenium.TimeoutException e) {
      StringBuilder logs = new StringBuilder();
      driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER)
          .forEach(l -> logs.append(l.getLevel()).append(' ').append(l.getMessage()).append('\n'));
      throw new AssertionError("no " + css + " at " + driver.getCurrentUrl() + "; page: "
          + driver.findElement(By.tagName("body")).getText() + "\nbrowser log:\n" + logs, e);
    }
  }

  public Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** A screenshot of what the browser shows now, to {@code target/console-screenshots/<name>.png}. */
  public Path screenshot(String name) throws Exception {
    Files.createDirectories(SCREENSHOTS);
    Path to = SCREENSHOTS.resolve(name + ".png");
    Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, to, StandardCopyOption.REPLACE_EXISTING);
    return to;
  }

  /** A bearer token of the first admin, for setting things up through hbs's admin API. */
  public String adminToken() throws Exception {
    if (adminToken == null) {
      adminToken = call("POST", "/api/v1/auth/login", null,
          "{\"name\":\"admin\",\"password\":\"" + ADMIN_PASSWORD + "\"}").json().get("token").asText();
    }
    return adminToken;
  }

  /** Makes a user with a password and role through the admin API. */
  public void user(String name, String password, String role) throws Exception {
    Answer a = call("POST", "/api/v1/users", adminToken(), "{\"name\":\"" + name + "\",\"role\":\"" + role
        + "\"}");
    if (a.status() != 201) {
      throw new IllegalStateException("user " + name + ": " + a.status() + " " + a.body());
    }
    Answer p = call("PUT", "/api/v1/users/" + a.json().get("id").asLong() + "/password", adminToken(),
        "{\"password\":\"" + password + "\"}");
    if (p.status() != 200) {
      throw new IllegalStateException("password of " + name + ": " + p.status() + " " + p.body());
    }
  }

  /** What an HTTP call to hbs answered. */
  public record Answer(int status, String body, java.net.http.HttpHeaders headers) {
    public JsonNode json() throws Exception {
      return JSON.readTree(body);
    }
  }

  /** An HTTP call to hbs's port; {@code bearer} null for none; extra headers as name, value pairs. */
  public Answer call(String method, String path, String bearer, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hbsPort() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body(), r.headers());
  }

  /** Waits until the agent's host has heartbeated and graph holds its {@code cpu.idle}. */
  public void awaitAgentData() {
    await().atMost(Duration.ofSeconds(60)).until(() -> call("GET",
        "/console/api/graph/api/v1/counters?endpoint=" + hostname + "&pattern=%5Ecpu%5C.idle", adminToken(), null)
        .body().contains("cpu.idle"));
  }

  @Override
  public void close() {
    try {
      if (driver != null) {
        driver.quit();
      }
    } finally {
      lifecycle.close();
    }
  }
}
