package io.junction.bench;

import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.Message;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * N producers sending durable 1 KiB messages and N consumers draining the same queue. With one message in flight a
 * producer blocks on each send until the broker acknowledges it; with more, it sends asynchronously and a
 * completion listener (fired by the broker's acknowledgement) releases the window. Send latency, from the send call
 * to the acknowledgement, is recorded after the warm-up only.
 */
final class LoadRun {
    private LoadRun() {
    }

    private static void acknowledged(long t0, AtomicBoolean measuring, Recorder recorder, AtomicLong sent) {
        if (measuring.get()) {
            recorder.recordValue((System.nanoTime() - t0) / 1000);
            sent.incrementAndGet();
        }
    }

    record Result(double sentPerSecond, double receivedPerSecond, Histogram sendLatencyMicros, long errors) {
    }

    static Result run(ConnectionFactory factory, String queue, int producers, int consumers, int inFlight, double warmupSeconds,
            double seconds) throws Exception {
        Recorder recorder = new Recorder(3);
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        AtomicLong sent = new AtomicLong();
        AtomicLong received = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<Connection> connections = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        byte[] payload = new byte[1024];
        try {
            for (int i = 0; i < consumers; i++) {
                Connection c = factory.createConnection();
                connections.add(c);
                c.start();
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
                threads.add(new Thread(() -> {
                    try {
                        while (!stop.get()) {
                            if (consumer.receive(200) != null && measuring.get()) {
                                received.incrementAndGet();
                            }
                        }
                    } catch (Exception e) {
                        if (!stop.get()) {
                            errors.incrementAndGet();
                        }
                    }
                }, "bench-consumer-" + i));
            }
            for (int i = 0; i < producers; i++) {
                Connection c = factory.createConnection();
                connections.add(c);
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue(queue));
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                Semaphore window = new Semaphore(inFlight);
                threads.add(new Thread(() -> {
                    try {
                        while (!stop.get()) {
                            BytesMessage m = session.createBytesMessage();
                            m.writeBytes(payload);
                            long t0 = System.nanoTime();
                            if (inFlight == 1) {
                                producer.send(m);
                                acknowledged(t0, measuring, recorder, sent);
                            } else {
                                window.acquire();
                                producer.send(m, new CompletionListener() {
                                    @Override
                                    public void onCompletion(Message message) {
                                        acknowledged(t0, measuring, recorder, sent);
                                        window.release();
                                    }

                                    @Override
                                    public void onException(Message message, Exception exception) {
                                        errors.incrementAndGet();
                                        window.release();
                                    }
                                });
                            }
                        }
                        window.acquire(inFlight);
                    } catch (Exception e) {
                        if (!stop.get()) {
                            errors.incrementAndGet();
                        }
                    }
                }, "bench-producer-" + i));
            }
            threads.forEach(Thread::start);
            Thread.sleep((long) (warmupSeconds * 1000));
            recorder.reset();
            measuring.set(true);
            long start = System.nanoTime();
            Thread.sleep((long) (seconds * 1000));
            measuring.set(false);
            double elapsed = (System.nanoTime() - start) / 1e9;
            Histogram latency = recorder.getIntervalHistogram();
            stop.set(true);
            for (Thread t : threads) {
                t.join(10_000);
            }
            return new Result(sent.get() / elapsed, received.get() / elapsed, latency, errors.get());
        } finally {
            stop.set(true);
            for (Connection c : connections) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // the run is over; a failed close changes no figure
                }
            }
        }
    }
}
