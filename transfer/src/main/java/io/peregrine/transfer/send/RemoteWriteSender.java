package io.peregrine.transfer.send;

import io.peregrine.proto.v1.PushResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.xerial.snappy.Snappy;

/**
 * Prometheus remote write 1.0 to one URL: the payload's samples as a {@code WriteRequest} (protobuf, see
 * {@link WriteRequestEncoder}), snappy block-compressed, POSTed with the protocol's headers. 2xx: taken. 429 and 5xx:
 * try again later (backoff with jitter in the lane). Any other 4xx: the receiver will never take this batch, so the
 * lane splits it and drops only the samples refused alone (counted as {@code http_<status>}).
 */
public final class RemoteWriteSender implements BatchSender {
  private final URI url;
  private final Duration timeout;
  private final HttpClient client;
  private final WriteRequestEncoder encoder = new WriteRequestEncoder();

  public RemoteWriteSender(String url, Duration timeout) {
    this.url = URI.create(url);
    this.timeout = timeout;
    this.client = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
  }

  @Override
  public PushResponse send(Payload payload) throws SendException {
    byte[] body;
    try {
      body = Snappy.compress(encoder.encode(payload));
    } catch (IOException e) {
      throw new SendException(SendException.Kind.SUSPECT, "encode", "cannot encode a WriteRequest: " + e, e);
    }
    HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
        .header("Content-Type", "application/x-protobuf")
        .header("Content-Encoding", "snappy")
        .header("X-Prometheus-Remote-Write-Version", "0.1.0")
        .header("User-Agent", "peregrine-transfer")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new SendException(SendException.Kind.RETRY, "io", url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SendException(SendException.Kind.RETRY, "interrupted", url + ": interrupted", e);
    }
    int status = response.statusCode();
    if (status / 100 == 2) {
      return PushResponse.newBuilder().setAccepted(payload.samples()).build();
    }
    String text = url + " answered " + status + ": " + abbreviate(response.body());
    if (status == 429 || status / 100 == 5) {
      throw new SendException(SendException.Kind.RETRY, "http_" + status, text, null);
    }
    throw new SendException(SendException.Kind.REFUSED, "http_" + status, text, null);
  }

  private static String abbreviate(String s) {
    String t = s == null ? "" : s.strip();
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }

  @Override
  public void close() {
    // the JDK client's connections close with it when unreferenced (HttpClient.close() arrives in JDK 21)
  }
}
