package io.peregrine.sender.channel;

import io.peregrine.common.event.AlertQueues;
import io.peregrine.sender.receiver.Person;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * An Open-Falcon gateway: a form POST with {@code tos} (the addresses, comma-separated) and the texts. SMS posts
 * {@code tos=<phones>&content=<sms>}, IM {@code tos=<im ids>&content=<im>}, mail
 * {@code tos=<emails>&subject=<subject>&content=<body>}: what Open-Falcon's sender posts, so its gateways plug in.
 * With a body template, the same fields go out as JSON instead ({@link BodyTemplate}).
 */
public final class GatewayChannel implements Channel {
  private final String name;
  private final URI url;
  private final HttpPoster poster;
  private final Function<Person, String> address;
  private final Function<Notice, Map<String, String>> texts;
  private final int maxPriority;
  private final BodyTemplate template;

  private GatewayChannel(String name, URI url, HttpPoster poster, Function<Person, String> address,
      Function<Notice, Map<String, String>> texts, int maxPriority, BodyTemplate template) {
    this.name = name;
    this.url = url;
    this.poster = poster;
    this.address = address;
    this.texts = texts;
    this.maxPriority = maxPriority;
    this.template = template;
  }

  /** @param maxPriority the least urgent priority texted (Open-Falcon texts P0..P2 only) */
  static GatewayChannel sms(URI url, HttpPoster poster, int maxPriority, BodyTemplate template) {
    return new GatewayChannel("sms", url, poster, Person::phone, n -> Map.of("content", n.messages().sms()),
        maxPriority, template);
  }

  static GatewayChannel im(URI url, HttpPoster poster, int maxPriority, BodyTemplate template) {
    return new GatewayChannel("im", url, poster, Person::im, n -> Map.of("content", n.messages().im()),
        maxPriority, template);
  }

  static GatewayChannel mail(URI url, HttpPoster poster, BodyTemplate template) {
    return new GatewayChannel("mail", url, poster, Person::email, n -> {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("subject", n.messages().mailSubject());
      m.put("content", n.messages().mailBody());
      return m;
    }, AlertQueues.MAX_PRIORITY, template);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Family family() {
    return name.equals("mail") ? Family.MAIL : Family.TEXT;
  }

  @Override
  public Function<Person, String> contact() {
    return address;
  }

  @Override
  public int maxPriority() {
    return maxPriority;
  }

  @Override
  public void send(Notice notice) throws ChannelException {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("tos", String.join(",", notice.to()));
    form.putAll(texts.apply(notice));
    if (template == null) {
      poster.postForm(name, url, form);
    } else {
      poster.post(name, url, "application/json", template.render(form), Map.of());
    }
  }
}
