package io.junction.consume.notify;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What carries a notification out: a log line ({@code junction.notifications}), a webhook POST, an e-mail, a message on
 * the tenant's alerts address. Each throws when the delivery did not happen, with a message that names the target but
 * never a secret.
 */
public class Senders {
    /** The logger of the {@code log} action, apart from the consumers' own lines so that it can go to a file of its own. */
    public static final Logger NOTIFICATIONS = LoggerFactory.getLogger("junction.notifications");
    /** How long a webhook or an SMTP server may take to connect and to answer. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    private final AlertPublisher alerts;

    /** Publishes a notification on the tenant's alerts address ({@code alerts} action); throws when the bus did not take it. */
    @FunctionalInterface
    public interface AlertPublisher {
        void publish(Notification n) throws Exception;
    }

    /** Senders without a bus: an {@code alerts} action fails (and is retried) until one is given. */
    public Senders() {
        this(null);
    }

    public Senders(AlertPublisher alerts) {
        this.alerts = alerts;
    }

    /** One notification: its delivery's id, the tenant's settings, the action, the JSON document and a one-line summary. */
    public record Notification(long delivery, NotificationRules.Tenant tenant, String action, String json, String summary, Map<String, Object> problem) {
    }

    /** Delivers {@code n}, or throws why not. */
    public void send(Notification n) throws Exception {
        if (n.action().equals("log")) {
            NOTIFICATIONS.info("{} (delivery {})", n.summary(), n.delivery());
        } else if (n.action().startsWith("webhook:")) {
            webhook(n, n.tenant().webhooks().get(n.action().substring("webhook:".length())));
        } else if (n.action().startsWith("mail:")) {
            mail(n, n.tenant().mails().get(n.action().substring("mail:".length())));
        } else if (n.action().equals("alerts")) {
            if (alerts == null) {
                throw new IllegalStateException("this process has no bus connection to publish alerts with");
            }
            alerts.publish(n);
        } else {
            throw new IllegalStateException("no such action: " + n.action());
        }
    }

    void webhook(Notification n, NotificationRules.Webhook hook) throws IOException, InterruptedException {
        if (hook == null) {
            throw new IllegalStateException("the rules no longer have " + n.action());
        }
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(hook.url()).timeout(TIMEOUT).header("Content-Type", "application/json; charset=utf-8")
                    .header("User-Agent", "Junction").header("X-Junction-Delivery", String.valueOf(n.delivery()))
                    .POST(HttpRequest.BodyPublishers.ofString(n.json(), StandardCharsets.UTF_8));
            if (!hook.token().isEmpty()) {
                request.header("Authorization", "Bearer " + hook.token());
            }
        } catch (IllegalArgumentException e) {
            // the JDK's message quotes the header's value: the token must not reach a log or a listing
            throw new IOException(hook.shown() + ": the URL or the token cannot be sent in an HTTP request");
        }
        HttpResponse<Void> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new IOException(hook.shown() + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException(hook.shown() + " answered HTTP " + response.statusCode());
        }
    }

    void mail(Notification n, java.util.List<String> to) throws MessagingException {
        NotificationRules.Smtp smtp = n.tenant().smtp().orElseThrow(() -> new IllegalStateException("the rules of " + n.tenant().id() + " have no smtp.host"));
        if (to == null) {
            throw new IllegalStateException("the rules no longer have " + n.action());
        }
        Properties p = new Properties();
        String protocol = smtp.security().equals("tls") ? "smtps" : "smtp";
        p.put("mail.transport.protocol", protocol);
        p.put("mail." + protocol + ".host", smtp.host());
        p.put("mail." + protocol + ".port", String.valueOf(smtp.port()));
        p.put("mail." + protocol + ".auth", String.valueOf(!smtp.user().isEmpty()));
        p.put("mail." + protocol + ".connectiontimeout", String.valueOf(TIMEOUT.toMillis()));
        p.put("mail." + protocol + ".timeout", String.valueOf(TIMEOUT.toMillis()));
        p.put("mail." + protocol + ".writetimeout", String.valueOf(TIMEOUT.toMillis()));
        if (smtp.security().equals("starttls")) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
        }
        if (!smtp.security().equals("none")) {
            p.put("mail." + protocol + ".ssl.checkserveridentity", "true");
        }
        Session session = Session.getInstance(p);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(smtp.from()));
        for (String address : to) {
            message.addRecipient(Message.RecipientType.TO, new InternetAddress(address));
        }
        message.setSubject("[Junction] " + n.summary(), "UTF-8");
        message.setHeader("X-Junction-Delivery", String.valueOf(n.delivery()));
        message.setSentDate(new Date());
        StringBuilder body = new StringBuilder(n.summary()).append("\n\n");
        n.problem().forEach((k, v) -> body.append(k).append(": ").append(v).append('\n'));
        body.append("\ndelivery: ").append(n.delivery()).append('\n');
        message.setText(body.toString(), "UTF-8");
        try (Transport transport = session.getTransport(protocol)) {
            if (smtp.user().isEmpty()) {
                transport.connect();
            } else {
                transport.connect(smtp.user(), smtp.password());
            }
            transport.sendMessage(message, message.getAllRecipients());
        } catch (MessagingException e) {
            throw new MessagingException(smtp.host() + ":" + smtp.port() + ": " + oneLine(e), e);
        }
    }

    private static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return m.replaceAll("\\s+", " ").trim();
    }
}
