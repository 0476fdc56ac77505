package io.peregrine.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JDK HTTP client for tests. */
public final class Http {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Http() {}

  public static HttpResponse<String> post(String url, String body) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public static HttpResponse<String> get(String url) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  /** A JSON array of {@code n} Open-Falcon items, metric app.test, tag n=index. */
  public static String items(int n, long timestamp) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append(item("host-a", "app.test", timestamp, "1.5", "n=" + i));
    }
    return b.append(']').toString();
  }

  public static String item(String endpoint, String metric, long timestamp, String value, String tags) {
    return "{\"endpoint\":\"" + endpoint + "\",\"metric\":\"" + metric + "\",\"timestamp\":" + timestamp
        + ",\"step\":60,\"value\":" + value + ",\"counterType\":\"GAUGE\",\"tags\":\"" + tags + "\"}";
  }
}
