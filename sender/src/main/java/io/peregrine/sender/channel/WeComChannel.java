package io.peregrine.sender.channel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peregrine.sender.receiver.Person;
import java.net.URI;
import java.util.Set;

/**
 * A WeCom (WeChat Work) group robot ({@code https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...}): a text
 * message {@code {"msgtype":"text","text":{"content":...,"mentioned_mobile_list":[...]}}} that mentions the
 * receivers' phones. An answer with {@code errcode} other than 0 is a failure (93000, an invalid key, is not
 * retried).
 */
public final class WeComChannel extends ChatRobotChannel {
  WeComChannel(URI url, HttpPoster poster) {
    super("wecom", url, poster, "errcode", Set.of(93000, 40008));
  }

  @Override
  ObjectNode body(Notice notice) {
    ObjectNode body = JSON.createObjectNode();
    body.put("msgtype", "text");
    ObjectNode text = body.putObject("text");
    text.put("content", notice.messages().im());
    ArrayNode mobiles = text.putArray("mentioned_mobile_list");
    notice.recipients().addresses(Person::phone).forEach(mobiles::add);
    return body;
  }
}
