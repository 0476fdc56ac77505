package io.peregrine.agent.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * {@code POST <enrollUrl>/api/v1/agents/enroll} with {@code {"node", "csr"}} and nothing else: a bootstrap token in
 * the {@code Authorization} header for a first certificate, or none (the TLS client certificate of {@code ssl} is the
 * credential) for a renewal. hbs's error text is passed on as the failure's message.
 */
final class EnrolClient {
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** hbs's answer: the certificate chain to present (leaf first). */
  record Answer(String certificatePem, String serial, String notAfter) {}

  /** Enrolment failed: hbs refused (with its status) or could not be reached (status 0). */
  static final class Failed extends Exception {
    final int status;

    Failed(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private final URI uri;

  EnrolClient(String enrollUrl) {
    String base = enrollUrl.endsWith("/") ? enrollUrl.substring(0, enrollUrl.length() - 1) : enrollUrl;
    this.uri = URI.create(base + "/api/v1/agents/enroll");
  }

  URI uri() {
    return uri;
  }

  /** The request body: the node name and the PEM request, the only things that leave the node. */
  static String body(String node, String csrPem) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("node", node);
    m.put("csr", csrPem);
    try {
      return JSON.writeValueAsString(m);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * @param ssl trusts hbs (and presents the current certificate, for a renewal); null = the JVM's defaults
   * @param bearer the bootstrap token, or empty
   */
  Answer enroll(String node, String csrPem, SSLContext ssl, String bearer) throws Failed {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(TIMEOUT);
    if (ssl != null) {
      b.sslContext(ssl);
    }
    HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body(node, csrPem)));
    if (!bearer.isEmpty()) {
      r.header("Authorization", "Bearer " + bearer);
    }
    HttpResponse<String> answer;
    try {
      // one client per call: calls are hours apart, and a renewal must handshake with the current certificate
      answer = b.build().send(r.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new Failed(0, "cannot reach hbs at " + uri + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failed(0, "interrupted while enrolling at " + uri);
    }
    JsonNode json;
    try {
      json = JSON.readTree(answer.body());
    } catch (IOException e) {
      throw new Failed(answer.statusCode(), "hbs answered " + answer.statusCode() + " with a body that is not JSON");
    }
    if (answer.statusCode() != 200) {
      throw new Failed(answer.statusCode(), "hbs refused the enrolment (" + answer.statusCode() + "): "
          + json.path("error").asText("?"));
    }
    String cert = json.path("certificate").asText("");
    if (cert.isEmpty()) {
      throw new Failed(answer.statusCode(), "hbs's answer has no certificate");
    }
    return new Answer(cert, json.path("serial").asText(""), json.path("notAfter").asText(""));
  }
}
