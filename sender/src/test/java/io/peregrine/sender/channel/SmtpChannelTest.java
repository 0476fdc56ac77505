package io.peregrine.sender.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.peregrine.sender.message.MessageFormatter;
import io.peregrine.sender.receiver.Person;
import io.peregrine.sender.receiver.Recipients;
import io.peregrine.sender.testing.TestEvents;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SMTP channel against GreenMail, a real SMTP server on a free port, with authentication. */
class SmtpChannelTest {
  @RegisterExtension
  static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
      .withConfiguration(GreenMailConfiguration.aConfig().withUser("alerts", "secret"));

  private final MessageFormatter formatter = new MessageFormatter(ZoneOffset.UTC, "");

  private Notice notice(Recipients recipients) {
    var event = TestEvents.problem("s_3_m", 1, 9, 1700000000);
    return Notice.of(event, "{}", formatter.render(event), recipients, recipients.addresses(Person::email), "");
  }

  private SmtpChannel channel(String password) {
    return new SmtpChannel("127.0.0.1", MAIL.getSmtp().getPort(), "alerts", password, "peregrine@example.com",
        false, Duration.ofSeconds(5));
  }

  @Test
  void mailsSubjectAndBodyToEveryReceiverWithAnAddress() throws Exception {
    Recipients team = new Recipients(List.of(new Person("alice", "alice@example.com", "", ""),
        new Person("bob", "", "138", ""), new Person("carol", "carol@example.com", "", "")),
        Recipients.Status.RESOLVED, "");

    channel("secret").send(notice(team));

    MimeMessage[] received = MAIL.getReceivedMessages();
    assertThat(received).hasSize(2); // one message, one copy per recipient mailbox
    MimeMessage m = received[0];
    assertThat(m.getSubject())
        .isEqualTo("[P1][PROBLEM][host1][][note all(#3) cpu.idle k=v 3<10][O1 2023-11-14 22:13:20]");
    assertThat(Arrays.stream(m.getRecipients(Message.RecipientType.TO)).map(Object::toString))
        .containsExactly("alice@example.com", "carol@example.com");
    assertThat(m.getFrom()[0].toString()).isEqualTo("peregrine@example.com");
    assertThat(GreenMailUtil.getBody(m)).contains("Endpoint:host1").contains("Max:3, Current:1");
    // text and HTML alternatives
    assertThat(m.getContentType()).startsWith("multipart/alternative");
    var parts = (jakarta.mail.internet.MimeMultipart) m.getContent();
    assertThat(parts.getCount()).isEqualTo(2);
    assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
    assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
    assertThat((String) parts.getBodyPart(1).getContent()).contains("<td>host1</td>");
  }

  @Test
  void failsOnRejectedLoginSoTheEventIsRetried() {
    Recipients alice = new Recipients(List.of(new Person("alice", "alice@example.com", "", "")),
        Recipients.Status.RESOLVED, "");

    assertThatThrownBy(() -> channel("wrong").send(notice(alice)))
        .isInstanceOf(ChannelException.class).hasMessageContaining("smtp 127.0.0.1:");
  }
}
