package io.peregrine.sender.channel;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * POSTs a body with a deadline; anything but a 2xx answer is a {@link ChannelException} naming the URL. A 4xx
 * answer other than 408 (timeout) and 429 (slow down) says the request itself is wrong: that failure is permanent.
 */
final class HttpPoster {
  private static final int MAX_ERROR_BODY = 200;

  private final HttpClient client;
  private final Duration timeout;

  HttpPoster(HttpClient client, Duration timeout) {
    this.client = client;
    this.timeout = timeout;
  }

  void postForm(String channel, URI url, Map<String, String> fields) throws ChannelException {
    postForm(channel, url, fields, Map.of());
  }

  void postForm(String channel, URI url, Map<String, String> fields, Map<String, String> headers)
      throws ChannelException {
    StringBuilder form = new StringBuilder();
    for (Map.Entry<String, String> f : fields.entrySet()) {
      if (form.length() > 0) {
        form.append('&');
      }
      form.append(URLEncoder.encode(f.getKey(), StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(f.getValue(), StandardCharsets.UTF_8));
    }
    post(channel, url, "application/x-www-form-urlencoded; charset=utf-8", form.toString(), headers);
  }

  /** @return the answer's body (chat webhooks answer 200 with an error code inside) */
  String post(String channel, URI url, String contentType, String body, Map<String, String> headers)
      throws ChannelException {
    HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout)
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    headers.forEach(request::header);
    // robot URLs carry their access token in the query: never in logs or dead letters
    String where = ChatAnswer.redact(url);
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw new ChannelException(channel + " " + where + " did not answer within " + timeout.toMillis() + " ms", e);
    } catch (IOException e) {
      throw new ChannelException(channel + " " + where + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChannelException(channel + " " + where + " interrupted (sender stopping)", e);
    }
    int status = response.statusCode();
    if (status < 200 || status > 299) {
      String text = response.body() == null ? "" : response.body().strip();
      if (text.length() > MAX_ERROR_BODY) {
        text = text.substring(0, MAX_ERROR_BODY) + "...";
      }
      boolean permanent = status >= 400 && status < 500 && status != 408 && status != 429;
      throw new ChannelException(channel + " " + where + " answered " + status + (text.isEmpty() ? "" : ": " + text),
          null, permanent);
    }
    return response.body() == null ? "" : response.body();
  }
}
