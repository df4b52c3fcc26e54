package io.junction.consume.listen;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A listener of the tenant's events that keeps what it received; a message starting "poison" makes it throw. */
@ApplicationScoped
@Listener(destination = "events", subscription = "recorder", concurrency = 2)
public class RecordingListener implements MessageListener {
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<String> failed = new CopyOnWriteArrayList<>();
    private final List<Long> failedAt = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(Message message) {
        try {
            String text = ((TextMessage) message).getText();
            if (text.startsWith("poison")) {
                failed.add(text);
                failedAt.add(System.currentTimeMillis());
                throw new IllegalStateException("cannot handle " + text);
            }
            received.add(text);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What it received (through a method: the container hands out a proxy, whose fields are not the bean's). */
    public List<String> received() {
        return received;
    }

    /** When it failed (milliseconds since the epoch), through a method for the same reason. */
    public List<Long> failedAt() {
        return failedAt;
    }

    /** What it failed on (through a method: the container hands out a proxy, whose fields are not the bean's). */
    public List<String> failed() {
        return failed;
    }
}
