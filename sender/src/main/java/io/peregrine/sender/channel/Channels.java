package io.peregrine.sender.channel;

import io.peregrine.sender.SenderConfig;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Builds the channels the config turns on, in a fixed order (console first: it never fails). */
public final class Channels {
  private Channels() {}

  /** @param http the client the HTTP channels share; its executor belongs to the caller */
  public static List<Channel> enabled(SenderConfig config, PrintStream console, HttpClient http) {
    List<Channel> out = new ArrayList<>();
    if (config.console()) {
      out.add(new ConsoleChannel(Objects.requireNonNull(console, "console stream (sender.console is true)")));
    }
    HttpPoster poster = new HttpPoster(http, config.callTimeout());
    if (!config.webhookUrl().isEmpty()) {
      out.add(new WebhookChannel(URI.create(config.webhookUrl()), poster));
    }
    if (!config.smsGatewayUrl().isEmpty()) {
      out.add(GatewayChannel.sms(URI.create(config.smsGatewayUrl()), poster, config.smsMaxPriority(), null));
    }
    if (!config.imGatewayUrl().isEmpty()) {
      out.add(GatewayChannel.im(URI.create(config.imGatewayUrl()), poster, config.smsMaxPriority(), null));
    }
    if (!config.mailGatewayUrl().isEmpty()) {
      out.add(GatewayChannel.mail(URI.create(config.mailGatewayUrl()), poster, null));
    }
    if (!config.smtpHost().isEmpty()) {
      out.add(new SmtpChannel(config.smtpHost(), config.smtpPort(), config.smtpUser(), config.smtpPassword(),
          config.smtpFrom(), config.smtpStartTls(), config.callTimeout()));
    }
    return out;
  }
}
