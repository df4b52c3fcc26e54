package io.junction.bench;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.protonj2.client.Client;
import org.apache.qpid.protonj2.client.Connection;
import org.apache.qpid.protonj2.client.ConnectionOptions;
import org.apache.qpid.protonj2.client.Delivery;
import org.apache.qpid.protonj2.client.DeliveryState;
import org.apache.qpid.protonj2.client.Message;
import org.apache.qpid.protonj2.client.Receiver;
import org.apache.qpid.protonj2.client.ReceiverOptions;
import org.apache.qpid.protonj2.client.Sender;
import org.apache.qpid.protonj2.client.SenderOptions;
import org.apache.qpid.protonj2.client.Tracker;

/**
 * The {@link LoadRun} case of one producer and one consumer over AMQP 1.0, with Apache Qpid's protonj2 client instead
 * of Qpid JMS: durable 1 KiB messages, at most {@code inFlight} sends unsettled, each counted when the broker settles
 * it as accepted (after its journal write); the consumer accepts each message it receives. protonj2 is a plain AMQP
 * client without the JMS layer, as RabbitMQ's PerfTest uses its plain AMQP 0-9-1 client, so this case measures the
 * broker's AMQP path with a client of the same weight.
 */
final class ProtonLoadRun {
    private ProtonLoadRun() {
    }

    private record InFlight(Tracker tracker, long sentAt) {
    }

    static LoadRun.Result run(String host, int port, String user, String password, String queue, int inFlight, double warmupSeconds,
            double seconds) throws Exception {
        LoadRun.Window w = new LoadRun.Window();
        byte[] payload = new byte[1024];
        ConnectionOptions options = new ConnectionOptions().user(user).password(password);
        try (Client client = Client.create();
             Connection producing = client.connect(host, port, options);
             Connection consuming = client.connect(host, port, options)) {
            ReceiverOptions receiverOptions = new ReceiverOptions().creditWindow(1000).autoAccept(true);
            receiverOptions.sourceOptions().capabilities("queue");
            Receiver receiver = consuming.openReceiver(queue, receiverOptions);
            SenderOptions senderOptions = new SenderOptions();
            senderOptions.targetOptions().capabilities("queue");
            Sender sender = producing.openSender(queue, senderOptions);
            // the sender thread fills the window; the broker settles in order, so one thread awaits each settlement in turn
            Semaphore slots = new Semaphore(inFlight);
            BlockingQueue<InFlight> window = new LinkedBlockingQueue<>();
            Thread producer = new Thread(() -> {
                try {
                    while (!w.stop.get()) {
                        if (!slots.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                            continue;
                        }
                        Message<byte[]> m = Message.create(payload).durable(true);
                        long t0 = System.nanoTime();
                        window.add(new InFlight(sender.send(m), t0));
                    }
                } catch (Exception e) {
                    w.failed();
                }
            }, "bench-proton-producer");
            Thread settlements = new Thread(() -> {
                try {
                    while (!w.stop.get() || !window.isEmpty()) {
                        InFlight next = window.poll(200, TimeUnit.MILLISECONDS);
                        if (next == null) {
                            continue;
                        }
                        Tracker settled = next.tracker().awaitSettlement(30, TimeUnit.SECONDS);
                        slots.release();
                        if (settled.remoteState() == null || settled.remoteState().getType() != DeliveryState.Type.ACCEPTED) {
                            w.failed();
                        } else {
                            w.acknowledged(next.sentAt());
                        }
                    }
                } catch (Exception e) {
                    w.failed();
                }
            }, "bench-proton-settlements");
            Thread consumer = new Thread(() -> {
                try {
                    while (!w.stop.get()) {
                        Delivery d = receiver.receive(200, TimeUnit.MILLISECONDS);
                        if (d != null) {
                            d.message();
                            w.receivedOne();
                        }
                    }
                } catch (Exception e) {
                    w.failed();
                }
            }, "bench-proton-consumer");
            return w.measure(List.of(consumer, settlements, producer), warmupSeconds, seconds);
        }
    }
}
