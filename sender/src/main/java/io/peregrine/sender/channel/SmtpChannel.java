package io.peregrine.sender.channel;

import io.peregrine.sender.receiver.Person;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Properties;

/**
 * Mail straight to an SMTP server (Angus Mail), for sites without Open-Falcon's mail gateway: one plain-text
 * message per event to all its receivers' addresses, subject and body as the gateway's.
 */
public final class SmtpChannel implements Channel {
  private final Session session;
  private final InternetAddress from;
  private final String server;

  SmtpChannel(String host, int port, String user, String password, String from, boolean startTls,
      Duration timeout) {
    Properties p = new Properties();
    p.put("mail.smtp.host", host);
    p.put("mail.smtp.port", String.valueOf(port));
    String ms = String.valueOf(timeout.toMillis());
    p.put("mail.smtp.connectiontimeout", ms);
    p.put("mail.smtp.timeout", ms);
    p.put("mail.smtp.writetimeout", ms);
    if (startTls) {
      p.put("mail.smtp.starttls.enable", "true");
      p.put("mail.smtp.starttls.required", "true");
    }
    Authenticator auth = null;
    if (!user.isEmpty()) {
      p.put("mail.smtp.auth", "true");
      auth = new Authenticator() {
        @Override
        protected PasswordAuthentication getPasswordAuthentication() {
          return new PasswordAuthentication(user, password);
        }
      };
    }
    this.session = Session.getInstance(p, auth);
    this.server = host + ":" + port;
    try {
      this.from = new InternetAddress(from, true);
    } catch (AddressException e) {
      throw new IllegalArgumentException("sender.smtpFrom is not a mail address: '" + from + "'", e);
    }
  }

  @Override
  public String name() {
    return "smtp";
  }

  @Override
  public java.util.function.Function<Person, String> contact() {
    return Person::email;
  }

  @Override
  public void send(Notice notice) throws ChannelException {
    List<String> tos = notice.to();
    try {
      MimeMessage m = new MimeMessage(session);
      m.setFrom(from);
      m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(String.join(",", tos)));
      m.setSubject(notice.messages().mailSubject(), StandardCharsets.UTF_8.name());
      String html = notice.messages().mailHtml();
      if (html.isEmpty()) {
        m.setText(notice.messages().mailBody(), StandardCharsets.UTF_8.name());
      } else {
        // text first, HTML last: a client shows the richest part it can, and a plain one still reads the text
        MimeBodyPart text = new MimeBodyPart();
        text.setText(notice.messages().mailBody(), StandardCharsets.UTF_8.name());
        MimeBodyPart rich = new MimeBodyPart();
        rich.setText(html, StandardCharsets.UTF_8.name(), "html");
        MimeMultipart both = new MimeMultipart("alternative");
        both.addBodyPart(text);
        both.addBodyPart(rich);
        m.setContent(both);
      }
      m.setSentDate(new Date());
      Transport.send(m);
    } catch (MessagingException e) {
      throw new ChannelException("smtp " + server + " failed: " + e.getMessage(), e, permanent(e));
    }
  }

  /** A 5xx reply to the message or its recipients is a refusal that a retry would meet again. */
  private static boolean permanent(MessagingException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.eclipse.angus.mail.smtp.SMTPSendFailedException f && f.getReturnCode() >= 500) {
        return true;
      }
      if (t instanceof org.eclipse.angus.mail.smtp.SMTPAddressFailedException f && f.getReturnCode() >= 500) {
        return true;
      }
    }
    return false;
  }
}
