package io.peregrine.sender.channel;

import io.peregrine.sender.SenderConfig;
import io.peregrine.sender.message.MessageFormatter;
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
    return enabled(config, console, http, java.time.Clock.systemUTC());
  }

  /** @param clock the time robots' signatures are made with */
  public static List<Channel> enabled(SenderConfig config, PrintStream console, HttpClient http,
      java.time.Clock clock) {
    List<Channel> out = new ArrayList<>();
    if (config.console()) {
      out.add(new ConsoleChannel(Objects.requireNonNull(console, "console stream (sender.console is true)")));
    }
    HttpPoster poster = new HttpPoster(http, config.callTimeout());
    if (!config.webhookUrl().isEmpty()) {
      out.add(new WebhookChannel(URI.create(config.webhookUrl()), poster));
    }
    if (!config.smsGatewayUrl().isEmpty()) {
      out.add(GatewayChannel.sms(URI.create(config.smsGatewayUrl()), poster, config.smsMaxPriority(),
          BodyTemplate.parse("sender.smsBodyTemplate", config.smsBodyTemplate())));
    }
    if (!config.imGatewayUrl().isEmpty()) {
      out.add(GatewayChannel.im(URI.create(config.imGatewayUrl()), poster, config.smsMaxPriority(),
          BodyTemplate.parse("sender.imBodyTemplate", config.imBodyTemplate())));
    }
    if (!config.mailGatewayUrl().isEmpty()) {
      out.add(GatewayChannel.mail(URI.create(config.mailGatewayUrl()), poster,
          BodyTemplate.parse("sender.mailBodyTemplate", config.mailBodyTemplate())));
    }
    if (!config.smtpHost().isEmpty()) {
      out.add(new SmtpChannel(config.smtpHost(), config.smtpPort(), config.smtpUser(),
          Secrets.resolve("sender.smtpPassword", config.smtpPassword()), config.smtpFrom(),
          SmtpChannel.Security.of(config.smtpStartTls(), config.smtpImplicitTls()), config.smtpTrust(),
          config.callTimeout()));
    }
    if (!config.dingtalkUrl().isEmpty()) {
      out.add(new DingTalkChannel(URI.create(config.dingtalkUrl()),
          Secrets.resolve("sender.dingtalkSecret", config.dingtalkSecret()), poster, clock));
    }
    if (!config.wecomUrl().isEmpty()) {
      out.add(new WeComChannel(URI.create(config.wecomUrl()), poster));
    }
    if (!config.feishuUrl().isEmpty()) {
      out.add(new FeishuChannel(URI.create(config.feishuUrl()),
          Secrets.resolve("sender.feishuSecret", config.feishuSecret()), poster, clock));
    }
    if (!config.slackUrl().isEmpty()) {
      out.add(new SlackChannel(URI.create(config.slackUrl()), poster));
    }
    if (!config.hbsAddress().isEmpty()) {
      // actions come from hbs; one with a callback URL has it called (the dispatcher skips it for the others)
      out.add(new CallbackChannel(poster, new MessageFormatter(config.zone(), config.dashboardUrl())));
    }
    return out;
  }
}
