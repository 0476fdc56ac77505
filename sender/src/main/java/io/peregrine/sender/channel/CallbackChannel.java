package io.peregrine.sender.channel;

import io.peregrine.sender.message.MessageFormatter;
import io.peregrine.sender.receiver.Callback;
import java.net.URI;
import java.util.Map;

/**
 * Calls an action's callback URL (Open-Falcon's {@code action.url} with {@code callback = 1}): a form POST of the
 * fields Open-Falcon's alarm sends, {@code endpoint, metric, status, step, priority, time, tpl_id, exp_id, stra_id,
 * left_value, tags} ({@link MessageFormatter#callbackFields}), with the header {@code X-Peregrine-Event-Key}.
 * Open-Falcon sends them as a GET query; a POST form carries the same names, which handlers written for it read the
 * same way (Go's {@code FormValue}, PHP's {@code $_REQUEST}, Flask's {@code request.values}), and keeps the call
 * out of proxies' GET caches and URL logs. Which texts and mails go before or after the call is the dispatcher's
 * business (the action's flags); this channel only calls. The URL is per action, so the claim is per event.
 */
public final class CallbackChannel implements Channel {
  public static final String NAME = "callback";
  private final HttpPoster poster;
  private final MessageFormatter formatter;

  CallbackChannel(HttpPoster poster, MessageFormatter formatter) {
    this.poster = poster;
    this.formatter = formatter;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean forPeople() {
    return false;
  }

  @Override
  public boolean usesTexts() {
    return false;
  }

  @Override
  public void send(Notice notice) throws ChannelException {
    Callback callback = notice.recipients().callback();
    if (callback == null) {
      throw new ChannelException(NAME + ": the event's action has no callback", null, true);
    }
    URI url;
    try {
      url = URI.create(callback.url());
    } catch (IllegalArgumentException e) {
      throw new ChannelException(NAME + ": the action's callback URL is not a URL: " + e.getMessage(), e, true);
    }
    poster.postForm(NAME, url, formatter.callbackFields(notice.event()),
        Map.of("X-Peregrine-Event-Key", WebhookChannel.keyOf(notice.event())));
  }
}
