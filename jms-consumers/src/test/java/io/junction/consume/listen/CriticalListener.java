package io.junction.consume.listen;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A listener of the tenant's critical events only: the broker applies its selector. */
@ApplicationScoped
@Listener(destination = "events", subscription = "critical", selector = "severity = 'critical'")
public class CriticalListener implements MessageListener {
    private final List<String> received = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(Message message) {
        try {
            received.add(((TextMessage) message).getText());
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What it received (through a method: the container hands out a proxy, whose fields are not the bean's). */
    public List<String> received() {
        return received;
    }
}
