package io.junction.consume.listen;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One listener class, two runners: Junction's {@link ListenerContainer} reads it by its {@link Listener} annotation,
 * and a Jakarta EE server deploys it as a message-driven bean through the Artemis resource adapter (WildFlyMdbTest).
 * Both read the tenant's alerts through the one shared durable subscription {@code tenant.acme.alerts.journal}. The
 * bean appends each alert's device, severity and message id to the file named by the system property
 * {@code junction.journal}; an alert with the property {@code poison} makes it throw, so its transaction rolls back.
 * Its logic knows nothing of its runner.
 */
@Listener(destination = "alerts", subscription = "journal")
@MessageDriven(name = "AlertJournal", activationConfig = {
    @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Topic"),
    @ActivationConfigProperty(propertyName = "destination", propertyValue = "tenant.acme.alerts"),
    @ActivationConfigProperty(propertyName = "useJNDI", propertyValue = "false"),
    @ActivationConfigProperty(propertyName = "subscriptionDurability", propertyValue = "Durable"),
    @ActivationConfigProperty(propertyName = "subscriptionName", propertyValue = "tenant.acme.alerts.journal"),
    @ActivationConfigProperty(propertyName = "shareSubscriptions", propertyValue = "true"),
    @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "2")})
public class AlertJournal implements MessageListener {
    @Override
    public void onMessage(Message message) {
        try {
            if (message.propertyExists("poison")) {
                throw new IllegalStateException("alert " + message.getJMSMessageID() + " cannot be handled");
            }
            String line = message.getStringProperty("device") + " " + message.getStringProperty("severity") + " " + message.getJMSMessageID() + "\n";
            Files.writeString(Path.of(System.getProperty("junction.journal")), line, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
