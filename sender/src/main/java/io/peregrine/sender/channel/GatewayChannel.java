package io.peregrine.sender.channel;

import io.peregrine.common.event.AlertQueues;
import io.peregrine.sender.message.MessageFormatter;
import io.peregrine.sender.receiver.Person;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An Open-Falcon gateway: a form POST with {@code tos} (the addresses, comma-separated) and the texts. SMS posts
 * {@code tos=<phones>&content=<sms>}, IM {@code tos=<im ids>&content=<im>}, mail
 * {@code tos=<emails>&subject=<subject>&content=<body>}: what Open-Falcon's sender posts, so its gateways plug in.
 */
public final class GatewayChannel implements Channel {
  private final String name;
  private final URI url;
  private final HttpPoster poster;
  private final Function<Person, String> address;
  private final Function<Notice, Map<String, String>> texts;
  private final int maxPriority;

  private GatewayChannel(String name, URI url, HttpPoster poster, Function<Person, String> address,
      Function<Notice, Map<String, String>> texts, int maxPriority) {
    this.name = name;
    this.url = url;
    this.poster = poster;
    this.address = address;
    this.texts = texts;
    this.maxPriority = maxPriority;
  }

  /** @param maxPriority the least urgent priority texted (Open-Falcon texts P0..P2 only) */
  static GatewayChannel sms(URI url, HttpPoster poster, int maxPriority) {
    return new GatewayChannel("sms", url, poster, Person::phone, n -> Map.of("content", n.messages().sms()),
        maxPriority);
  }

  static GatewayChannel im(URI url, HttpPoster poster, int maxPriority) {
    return new GatewayChannel("im", url, poster, Person::im, n -> Map.of("content", n.messages().im()),
        maxPriority);
  }

  static GatewayChannel mail(URI url, HttpPoster poster) {
    return new GatewayChannel("mail", url, poster, Person::email, n -> {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("subject", n.messages().mailSubject());
      m.put("content", n.messages().mailBody());
      return m;
    }, AlertQueues.MAX_PRIORITY);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Outcome send(Notice notice) throws ChannelException {
    if (MessageFormatter.priorityOf(notice.event()) > maxPriority) {
      return Outcome.NOT_URGENT;
    }
    List<String> tos = Addresses.of(name, notice, address);
    if (tos.isEmpty()) {
      return Outcome.NO_RECIPIENTS;
    }
    Map<String, String> form = new LinkedHashMap<>();
    form.put("tos", String.join(",", tos));
    form.putAll(texts.apply(notice));
    poster.postForm(name, url, form);
    return Outcome.SENT;
  }
}
