package io.junction.cli;

import io.junction.client.BusConnection;
import io.junction.client.Credentials;
import io.junction.client.ReliableSender;
import io.junction.cluster.BrokerAttributes;
import io.junction.cluster.ClusterLayout;
import io.junction.cluster.ops.ClusterHealth;
import io.junction.cluster.ops.GroupStatus;
import io.junction.cluster.ops.LocalCluster;
import io.junction.testing.Waits;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The steady load and the watch of the cluster tests: one durable producer with Junction's duplicate-detection ids
 * and retries, one consumer counting deliveries, and a probe recording any moment at which a group has two active
 * brokers. Each runs in its own thread until stopped.
 */
final class ClusterLoad {
    static final String QUEUE = "chaos";

    private ClusterLoad() {
    }

    /** Saves a thread dump of every running node next to its log ({@code nodeN/threads-TIME.txt}), to show a stall. */
    static void threadDumps(Path home) {
        for (int n = 1; n <= 3; n++) {
            Path nodeDir = home.resolve("node" + n);
            try {
                long pid = Long.parseLong(Files.readString(nodeDir.resolve("node.pid")).trim());
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    Path out = nodeDir.resolve("threads-" + System.currentTimeMillis() + ".txt");
                    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
                    new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "Thread.print").redirectErrorStream(true)
                            .redirectOutput(out.toFile()).start().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
                    System.out.println("thread dump of node " + n + ": " + out);
                }
            } catch (Exception e) {
                System.out.println("no thread dump of node " + n + ": " + e);
            }
        }
    }

    /** Publishes to tenant acme's events as its user {@code acme-dev} and reads the message back from the tenant's queue. */
    static String tenantRoundTrip(String url, String body) throws JMSException {
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(url, "acme-dev", "acme-password"); Connection c = cf.createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createTopic("tenant.acme.events"));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            producer.send(session.createTextMessage(body));
            Message m = session.createConsumer(session.createQueue("tenant.acme.events::tenant.acme.events")).receive(20_000);
            return m == null ? null : m.getBody(String.class);
        }
    }

    /** A cluster started by {@code junction cluster up} for a test: the command (to run again), its layout and admin. */
    record Up(String[] command, ClusterLayout layout, Credentials admin) {
    }

    /** Starts a fresh cluster under {@code home} on free ports, with 384 MiB per node, and waits until it is replicated. */
    static Up up(Path home) throws Exception {
        deleteTree(home);
        int base = io.junction.testing.FreePorts.block(40) - 10;
        String[] up = {"cluster", "up", "--data", home.toString(), "--base-port", String.valueOf(base), "--heap", "384m", "--timeout", "180"};
        CliRun started = CliRun.of(up);
        if (started.exitCode() != 0) {
            // nodes that did start would otherwise outlive the test and load the machine for the rest of the suite
            CliRun down = CliRun.of("cluster", "down", "--data", home.toString());
            throw new AssertionError("cluster up failed: " + started.out() + started.err() + "; cluster down: " + down.out() + down.err());
        }
        return new Up(up, new LocalCluster(home).layout(), Credentials.read(home.resolve(Credentials.FILE_NAME)));
    }

    static ActiveMQConnectionFactory factory(Credentials admin) {
        return new ActiveMQConnectionFactory(admin.url(), admin.user(), admin.password());
    }

    /** One durable sender with Junction's duplicate-detection ids and retries, timing every send. */
    static final class Producer extends Worker {
        final Map<Long, long[]> acknowledged = new ConcurrentHashMap<>();
        /** From which number on the sends were acknowledged by which broker (host:port), as the connection moved. */
        final java.util.NavigableMap<Long, String> via = new java.util.concurrent.ConcurrentSkipListMap<>();
        private final Credentials admin;
        private volatile ReliableSender sender;
        private volatile BusConnection bus;

        Producer(Credentials admin) {
            super("producer");
            this.admin = admin;
        }

        @Override
        void work() throws Exception {
            // Junction's client library, as the README tells CORE clients to connect: it leaves a frozen broker
            try (BusConnection c = BusConnection.open(admin.url(), admin.user(), admin.password(), Duration.ofSeconds(5))) {
                bus = c;
                sender = new ReliableSender(c, c.session().createQueue(QUEUE), Duration.ofSeconds(60));
                for (long seq = 0; running.get(); seq++) {
                    Message m = c.session().createTextMessage("m" + seq);
                    m.setLongProperty("seq", seq);
                    long start = System.nanoTime();
                    sender.send(m);
                    acknowledged.put(seq, new long[] {start, System.nanoTime()});
                    String broker = c.broker();
                    java.util.Map.Entry<Long, String> current = via.lastEntry();
                    if (broker != null && (current == null || !current.getValue().equals(broker))) {
                        via.put(seq, broker);
                    }
                    Thread.sleep(5);
                }
            }
        }

        long retries() {
            return sender == null ? 0 : sender.retries();
        }

        long reopened() {
            BusConnection c = bus;
            return c == null ? 0 : c.reopened();
        }

        /** Seconds from {@code killedAt} to the acknowledgement of the first send begun after it. */
        double firstAcknowledgedAfter(long killedAt, Duration timeout) {
            long[] first = new long[1];
            Waits.until(timeout, "a send begun after the kill to be acknowledged", () -> {
                first[0] = acknowledged.values().stream().filter(t -> t[0] > killedAt).mapToLong(t -> t[1]).min().orElse(0);
                return first[0] != 0;
            });
            return Math.round((first[0] - killedAt) / 1e7) / 100.0;
        }
    }

    /**
     * Qpid JMS through the README's AMQP failover URL (every broker of the cluster): durable sends with a
     * duplicate-detection id, each retried until acknowledged.
     */
    static final class AmqpProducer extends Worker {
        static final String QUEUE = "chaos.amqp";
        final Map<Long, long[]> acknowledged = new ConcurrentHashMap<>();
        private final String url;
        private final Credentials admin;

        AmqpProducer(ClusterLayout layout, Credentials admin) {
            super("amqp-producer");
            this.url = "failover:(" + String.join(",", layout.brokerUrls().stream().map(u -> u.replace("tcp://", "amqp://")).toList()) + ")?"
                    + README_AMQP_OPTIONS;
            this.admin = admin;
        }

        @Override
        void work() throws Exception {
            try (Connection c = new org.apache.qpid.jms.JmsConnectionFactory(admin.user(), admin.password(), url).createConnection()) {
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer p = session.createProducer(session.createQueue(QUEUE));
                p.setDeliveryMode(DeliveryMode.PERSISTENT);
                for (long seq = 0; running.get(); seq++) {
                    Message m = session.createTextMessage("a" + seq);
                    m.setLongProperty("seq", seq);
                    m.setStringProperty(ReliableSender.DUPLICATE_ID, "amqp-" + seq);
                    long start = System.nanoTime();
                    if (!retry(() -> p.send(m), running)) {
                        break;
                    }
                    acknowledged.put(seq, new long[] {start, System.nanoTime()});
                    Thread.sleep(5);
                }
            }
        }
    }

    /** The AMQP failover options the README gives. */
    static final String README_AMQP_OPTIONS = "failover.maxReconnectAttempts=-1&failover.reconnectDelay=100&failover.useReconnectBackOff=false"
            + "&failover.nested.amqp.idleTimeout=4000&jms.connectTimeout=3000&failover.amqpOpenServerListAction=IGNORE";

    /**
     * Paho with every broker of the cluster as a server URI, the README's settings and QoS 1, publishing its sequence
     * numbers as bodies to {@code chaos/mqtt}, which lands in the anycast queue {@code chaos.mqtt} (made on every
     * group by {@link #createMqttQueue}).
     */
    static final class MqttProducer extends Worker {
        static final String QUEUE = "chaos.mqtt";
        final Map<Long, long[]> acknowledged = new ConcurrentHashMap<>();
        private final String[] servers;
        private final Credentials admin;

        MqttProducer(ClusterLayout layout, Credentials admin) {
            super("mqtt-producer");
            this.servers = layout.brokerUrls().toArray(String[]::new);
            this.admin = admin;
        }

        @Override
        void work() throws Exception {
            org.eclipse.paho.client.mqttv3.MqttClient client = new org.eclipse.paho.client.mqttv3.MqttClient(servers[0], "chaos-device",
                    new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
            org.eclipse.paho.client.mqttv3.MqttConnectOptions options = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
            options.setServerURIs(servers);
            options.setAutomaticReconnect(true);
            options.setMaxReconnectDelay(1_000);
            options.setCleanSession(false);
            options.setKeepAliveInterval(2);
            options.setConnectionTimeout(3);
            options.setUserName(admin.user());
            options.setPassword(admin.password().toCharArray());
            client.setTimeToWait(5_000);
            if (!retry(() -> client.connect(options), running)) {
                return;
            }
            try {
                for (long seq = 0; running.get(); seq++) {
                    byte[] body = String.valueOf(seq).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    long start = System.nanoTime();
                    if (!retry(() -> client.publish("chaos/mqtt", body, 1, false), running)) {
                        break;
                    }
                    acknowledged.put(seq, new long[] {start, System.nanoTime()});
                    Thread.sleep(5);
                }
            } finally {
                client.disconnectForcibly(1_000, 1_000);
                client.close(true);
            }
        }
    }

    /** Creates the MQTT producer's queue on the active broker of every group, so that a publish lands wherever it arrives. */
    static void createMqttQueue(ClusterLayout layout, Credentials admin) throws JMSException {
        for (ClusterLayout.Member m : layout.members()) {
            try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(m.brokerUrl(), admin.user(), admin.password());
                    Connection c = cf.createConnection()) {
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                session.createConsumer(session.createQueue(MqttProducer.QUEUE)).close();
            }
        }
    }

    interface Attempt {
        void run() throws Exception;
    }

    /**
     * Runs {@code attempt} until it succeeds (true), for at most 60 s, 50 ms apart; false if {@code running} turned false
     * first, in which case the attempt may or may not have taken effect.
     */
    static boolean retry(Attempt attempt, AtomicBoolean running) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                attempt.run();
                return true;
            } catch (Exception e) {
                if (!running.get()) {
                    return false;
                }
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /**
     * Finds what the consumers never got: on every broker that says it is active, the queues holding messages (the
     * cluster's store-and-forward queues included), then drains {@code queues} from that broker alone (no failover, no
     * redistribution) into their consumers' counts. Returns one line per broker with what it held and how many
     * messages the drain found, so that a run can tell a message stranded on a group from one that is gone.
     */
    static List<String> drainStranded(ClusterLayout layout, Credentials admin, Map<String, Consumer> queues) {
        List<String> report = new ArrayList<>();
        for (String broker : layout.brokerUrls()) {
            String url = layout.clientUrl(broker, BrokerAttributes.QUERY);
            try {
                Object active = BrokerAttributes.read(url, admin.user(), admin.password(), "active").get("active");
                if (!Boolean.TRUE.equals(active)) {
                    continue;
                }
                StringBuilder line = new StringBuilder(broker).append(" held");
                Object[] names = (Object[]) BrokerAttributes.read(url, admin.user(), admin.password(), "queueNames").get("queueNames");
                List<String> resources = java.util.Arrays.stream(names).map(n -> ResourceNames.QUEUE + n).toList();
                BrokerAttributes.readEach(url, admin.user(), admin.password(), "messageCount", resources).forEach((resource, count) -> {
                    if (count instanceof Number n && n.longValue() > 0) {
                        line.append(' ').append(resource.substring(ResourceNames.QUEUE.length())).append('=').append(n);
                    }
                });
                for (Map.Entry<String, Consumer> q : queues.entrySet()) {
                    int found = drain(url, admin, q.getKey(), q.getValue()::count);
                    line.append("; drained ").append(found).append(" from ").append(q.getKey());
                }
                // a message whose deliveries all failed (each connection lost with it in a consumer's buffer counts
                // one) is moved to the dead-letter queue: not lost, but never received either
                for (String side : List.of("DLQ", "ExpiryQueue")) {
                    Map<String, Integer> found = new java.util.TreeMap<>();
                    drain(url, admin, side, m -> {
                        String from = String.valueOf(m.getStringProperty("_AMQ_ORIG_ADDRESS"));
                        found.merge(from, 1, Integer::sum);
                        Consumer owner = queues.get(from);
                        if (owner != null) {
                            owner.count(m);
                        }
                    });
                    if (!found.isEmpty()) {
                        line.append("; drained from ").append(side).append(' ').append(found);
                    }
                }
                report.add(line.toString());
            } catch (Exception e) {
                report.add(broker + ": " + e);
            }
        }
        return report;
    }

    interface Received {
        void accept(Message m) throws JMSException;
    }

    /** Receives every message of {@code queue} from the broker at {@code url} alone, until none comes for 2 s; returns how many. */
    private static int drain(String url, Credentials admin, String queue, Received received) throws JMSException {
        int found = 0;
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(url, admin.user(), admin.password()); Connection c = cf.createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer mc = session.createConsumer(session.createQueue(queue));
            for (Message m = mc.receive(2_000); m != null; m = mc.receive(2_000)) {
                received.accept(m);
                found++;
            }
        }
        return found;
    }

    /** The longest time, in seconds, between two consecutive acknowledgements of {@code acknowledged} (start, end nanos). */
    static double longestGap(Map<Long, long[]> acknowledged) {
        long[] ends = acknowledged.values().stream().mapToLong(t -> t[1]).sorted().toArray();
        long gap = 0;
        for (int i = 1; i < ends.length; i++) {
            gap = Math.max(gap, ends[i] - ends[i - 1]);
        }
        return Math.round(gap / 1e7) / 100.0;
    }

    /** Counts each message's deliveries and whether a repeated delivery carried the redelivered flag. */
    static final class Consumer extends Worker {
        static final class Deliveries {
            int count;
            boolean laterRedelivered = true;
        }

        final Map<Long, Deliveries> received = new ConcurrentHashMap<>();
        /** How often the consumer connected anew after its connection or its receive failed. */
        final java.util.concurrent.atomic.AtomicLong reconnects = new java.util.concurrent.atomic.AtomicLong();
        private final Credentials admin;
        private final String queue;

        Consumer(Credentials admin) {
            this(admin, QUEUE);
        }

        /** Consumes {@code queue}, whose messages carry their number in the long property {@code seq} or as their whole body. */
        Consumer(Credentials admin, String queue) {
            super("consumer-" + queue);
            this.admin = admin;
            this.queue = queue;
        }

        @Override
        void work() throws Exception {
            while (running.get()) {
                try (ActiveMQConnectionFactory cf = factory(admin); Connection c = cf.createConnection()) {
                    c.start();
                    Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    MessageConsumer mc = session.createConsumer(session.createQueue(queue));
                    while (running.get()) {
                        Message m = mc.receive(200);
                        if (m != null) {
                            count(m);
                        }
                    }
                } catch (JMSException | RuntimeException e) {
                    // Artemis's client also throws java.lang.IllegalStateException from receive() while it fails
                    // over ("AMQ219061: Cannot send a packet while channel is failing over"): a consumer thread that
                    // died of it left tens of thousands of messages unconsumed in chaos runs, which looked stranded
                    reconnects.incrementAndGet();
                    System.out.println("consumer of " + queue + " reconnects after: " + e);
                }
            }
        }

        /** Counts one delivery of {@code m}. */
        synchronized void count(Message m) throws JMSException {
            long seq = m.propertyExists("seq") ? m.getLongProperty("seq")
                    : Long.parseLong(new String(m.getBody(byte[].class), java.nio.charset.StandardCharsets.UTF_8));
            Deliveries d = received.computeIfAbsent(seq, k -> new Deliveries());
            d.count++;
            if (d.count > 1 && !m.getJMSRedelivered()) {
                d.laterRedelivered = false;
            }
        }
    }

    /** Probes every group twice a second and records any moment at which both of its brokers serve. */
    static final class SplitWatch extends Worker {
        final List<String> seen = new CopyOnWriteArrayList<>();
        private final ClusterLayout layout;
        private final Credentials admin;

        SplitWatch(ClusterLayout layout, Credentials admin) {
            super("split-watch");
            this.layout = layout;
            this.admin = admin;
        }

        @Override
        void work() throws Exception {
            while (running.get()) {
                for (ClusterHealth.Group g : ClusterHealth.probe(layout, admin.user(), admin.password()).groups()) {
                    if (g.status() == GroupStatus.SPLIT) {
                        seen.add(g.name() + " at " + System.currentTimeMillis());
                    }
                }
                Thread.sleep(500);
            }
        }
    }

    abstract static class Worker {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread thread;

        Worker(String name) {
            thread = new Thread(() -> {
                try {
                    work();
                } catch (Throwable e) {
                    failure.set(e);
                    e.printStackTrace();
                }
            }, "cluster-test-" + name);
            thread.setDaemon(true);
        }

        abstract void work() throws Exception;

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
        }
    }

    static void deleteTree(Path root) throws java.io.IOException {
        if (Files.exists(root)) {
            try (var paths = Files.walk(root)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
