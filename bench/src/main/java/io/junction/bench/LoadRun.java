package io.junction.bench;

import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
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

    record Result(double sentPerSecond, double receivedPerSecond, Histogram sendLatencyMicros, long errors) {
    }

    /** What the threads of one run share: whether the measured window is open, and what it counted. */
    static final class Window {
        final Recorder recorder = new Recorder(3);
        final AtomicBoolean measuring = new AtomicBoolean(false);
        final AtomicBoolean stop = new AtomicBoolean(false);
        final AtomicLong sent = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        final AtomicLong errors = new AtomicLong();

        /** A send acknowledged that started at {@code t0} (nanoTime): counted and timed inside the window. */
        void acknowledged(long t0) {
            if (measuring.get()) {
                recorder.recordValue((System.nanoTime() - t0) / 1000);
                sent.incrementAndGet();
            }
        }

        void receivedOne() {
            if (measuring.get()) {
                received.incrementAndGet();
            }
        }

        /** An error counts unless the run is stopping (closing connections fails pending calls). */
        void failed() {
            if (!stop.get()) {
                errors.incrementAndGet();
            }
        }

        /** Starts {@code threads}, warms up, measures for {@code seconds}, then stops and joins them. */
        Result measure(List<Thread> threads, double warmupSeconds, double seconds) throws InterruptedException {
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
                t.join(30_000);
            }
            return new Result(sent.get() / elapsed, received.get() / elapsed, latency, errors.get());
        }
    }

    static Result run(ConnectionFactory factory, String queue, int producers, int consumers, int inFlight, double warmupSeconds,
            double seconds) throws Exception {
        Window w = new Window();
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
                        while (!w.stop.get()) {
                            if (consumer.receive(200) != null) {
                                w.receivedOne();
                            }
                        }
                    } catch (Exception e) {
                        w.failed();
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
                        while (!w.stop.get()) {
                            BytesMessage m = session.createBytesMessage();
                            m.writeBytes(payload);
                            long t0 = System.nanoTime();
                            if (inFlight == 1) {
                                producer.send(m);
                                w.acknowledged(t0);
                            } else {
                                window.acquire();
                                producer.send(m, new CompletionListener() {
                                    @Override
                                    public void onCompletion(Message message) {
                                        w.acknowledged(t0);
                                        window.release();
                                    }

                                    @Override
                                    public void onException(Message message, Exception exception) {
                                        w.failed();
                                        window.release();
                                    }
                                });
                            }
                        }
                        window.acquire(inFlight);
                    } catch (Exception e) {
                        w.failed();
                    }
                }, "bench-producer-" + i));
            }
            return w.measure(threads, warmupSeconds, seconds);
        } finally {
            w.stop.set(true);
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
