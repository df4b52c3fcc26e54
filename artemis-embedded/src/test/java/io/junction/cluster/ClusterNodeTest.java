package io.junction.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.ClientUrls;
import io.junction.client.Credentials;
import io.junction.client.ManagementClient;
import io.junction.client.ReliableSender;
import io.junction.config.Config;
import io.junction.config.ConfigException;
import io.junction.node.NodeConfig;
import io.junction.tenant.TenantBrokers;
import io.junction.testing.FreePorts;
import io.junction.testing.Waits;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.cluster.RemoteQueueBinding;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three cluster nodes, each running a ZooKeeper member, the primary of its group and the backup of the previous one. */
class ClusterNodeTest {
    private static final String SECRET = "test-cluster-secret-0123456789abcdefXYZ";
    /** The nodes' ZooKeeper members listen on these "private" loopback addresses, the brokers on 127.0.0.1. */
    private static final String PRIVATE_HOSTS = "127.0.1.1,127.0.1.2,127.0.1.3";
    @TempDir
    Path dir;

    @Test
    void eachGroupIsReplicatedToTheNextNodeAndSurvivesLosingItsPrimaryNode() throws Exception {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            entries.add("127.0.0.1:" + FreePorts.next() + ":" + FreePorts.next() + ":" + FreePorts.next() + ":" + FreePorts.next() + ":"
                    + FreePorts.next());
        }
        List<ClusterNode> nodes = new ArrayList<>();
        try {
            for (int id = 1; id <= 3; id++) {
                nodes.add(ClusterNode.start(config(id, String.join(",", entries))));
            }
            // a ZooKeeper request never answered would otherwise wait for ever (docs/ha.md, Decisions)
            assertEquals(String.valueOf(GroupSettings.ZOOKEEPER_REQUEST_TIMEOUT.toMillis()),
                    System.getProperty(org.apache.zookeeper.client.ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT), "ZooKeeper requests unbounded");
            for (ClusterNode node : nodes) {
                Waits.until(Duration.ofSeconds(90), "primary of node " + node.layout().self() + " active", () -> node.primary().map(b -> b.isActive()).orElse(false));
                Waits.until(Duration.ofSeconds(90), "backup on node " + node.layout().self() + " in sync", () -> node.backup().map(b -> b.isReplicaSync()).orElse(false));
            }

            int created = 0;
            for (ClusterNode node : nodes) {
                Optional<Credentials> admin = node.admin().get(60, TimeUnit.SECONDS);
                assertEquals(admin.isPresent(), Files.exists(node.dataDirectory().resolve(Credentials.FILE_NAME)),
                        "only the node that created the administrator keeps its credentials file");
                created += admin.isPresent() ? 1 : 0;
            }
            assertEquals(1, created, "exactly one node creates the cluster's first administrator");

            // a user added through node 3 reaches node 1 through the registry
            nodes.get(2).users().put(AppUser.NAME, Set.of("admin"), AppUser.PASSWORD.toCharArray());
            Waits.until(Duration.ofSeconds(10), "node 1 to learn the user added on node 3",
                    () -> nodes.get(0).users().authenticate(AppUser.NAME, AppUser.PASSWORD).isPresent());

            ClusterLayout.Member one = nodes.get(0).layout().me();
            ClusterLayout.Member two = nodes.get(1).layout().me();
            ClusterLayout.Member three = nodes.get(2).layout().me();

            // a tenant and its user created through node 1 serve at once through node 3
            manage(one.brokerUrl(), "createTenant", "acme", "Acme", "max-connections=5");
            manage(one.brokerUrl(), "addUser", "acme-dev", "acme", "producer,consumer", "acme-password");
            Waits.until(Duration.ofSeconds(10), "node 3 to know tenant acme", () -> nodes.get(2).users().snapshot().tenant("acme").isPresent());
            assertEquals("through node 3", roundTrip(three.brokerUrl(), "through node 3"));
            // a second tenant, isolated from the first on every protocol of a cluster broker
            manage(two.brokerUrl(), "createTenant", "other", "Other", "");
            manage(two.brokerUrl(), "addUser", "other-dev", "other", "producer,consumer", "other-password");
            Waits.until(Duration.ofSeconds(10), "node 3 to know tenant other", () -> nodes.get(2).users().snapshot().user("other-dev").isPresent());
            // a device added through node 2 is in the inventory of node 3, and its community in no node's answer
            String added = manageResource(two.brokerUrl(), ManagementClient.INVENTORY, "addDevice", "acme",
                    "{\"name\":\"core-1\",\"site\":\"hq\",\"address\":\"10.0.0.1\",\"community\":\"acme-community\"}");
            assertFalse(added.contains("acme-community"), added);
            Waits.until(Duration.ofSeconds(10), "node 3 to know acme's device", () -> nodes.get(2).users().snapshot().device("acme", "core-1").isPresent());
            assertEquals("acme-community", nodes.get(2).users().snapshot().device("acme", "core-1").orElseThrow().get("community"));
            assertFalse(manageResource(three.brokerUrl(), ManagementClient.INVENTORY, "devices", "acme", "").contains("acme-community"));
            isolated(three);
            clusterUserOnlyFromTheNodesOverCore(three, nodes.get(2).layout().clusterUser());
            clusterSecretGuessesAreThrottled(nodes.get(2));
            zooKeeperServesOnlyTheCluster(nodes.get(0).layout().zooKeeper());
            zooKeeperOnlyOnItsOwnAddresses(nodes.get(0).layout());
            String g1 = ClientUrls.cluster(List.of(one.brokerUrl(), two.backupUrl()));
            send(g1, "spread.q", 50);
            // produced on g1, consumed on g3: the cluster connection redistributes the messages to the consumer
            try (Connection c = new ActiveMQConnectionFactory(three.brokerUrl(), AppUser.NAME, AppUser.PASSWORD).createConnection()) {
                c.start();
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(session.createQueue("spread.q"));
                for (int i = 0; i < 50; i++) {
                    assertNotNull(consumer.receive(20_000), "message " + i + " sent to node 1 not delivered to a consumer on node 3");
                }
            }

            // before the stale record's repair, which reconnects g1's cluster bridges: a bridge reconnecting while it
            // forwards may resend what it had in flight after what followed (Artemis's bridge), and this checks order
            groupedMessagesHeldOnAGroupWithoutConsumersReachAnother(nodes.get(0).primary().orElseThrow(), g1, three);
            staleRecordOfARemoteConsumerIsRepaired(nodes.get(0).primary().orElseThrow(), g1, three);

            send(g1, "cluster.q", 100);

            nodes.get(0).close();
            nodes.set(0, null);

            ClusterNode nodeTwo = nodes.get(1);
            Waits.until(Duration.ofSeconds(60), "g1's backup on node 2 to take over", () -> nodeTwo.backup().map(b -> b.isActive()).orElse(false));
            try (Connection c = new ActiveMQConnectionFactory(two.backupUrl(), AppUser.NAME, AppUser.PASSWORD).createConnection()) {
                c.start();
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(session.createQueue("cluster.q"));
                for (int i = 0; i < 100; i++) {
                    TextMessage m = (TextMessage) consumer.receive(10_000);
                    assertNotNull(m, "message " + i + " of group g1 missing after its node stopped");
                }
            }
            assertEquals("after node 1 stopped", roundTrip(ClientUrls.cluster(List.of(one.brokerUrl(), two.backupUrl())), "after node 1 stopped"),
                    "the tenant serves on g1's backup once node 1 is gone");
            assertTrue(nodes.get(2).primary().orElseThrow().isActive(), "g3 keeps serving without its backup on node 1");
            assertTrue(nodeTwo.primary().orElseThrow().isActive(), "g2 is untouched");
        } finally {
            for (ClusterNode node : nodes) {
                if (node != null) {
                    node.close();
                }
            }
        }
    }

    /** Calls an operation of Junction's directory resource through the broker at {@code url}, as the admin. */
    private static String manage(String url, String operation, Object... args) throws Exception {
        return manageResource(url, TenantBrokers.RESOURCE, operation, args);
    }

    private static String manageResource(String url, String resource, String operation, Object... args) throws Exception {
        try (Connection c = new ActiveMQConnectionFactory(url, AppUser.NAME, AppUser.PASSWORD).createConnection()) {
            c.start();
            try (ManagementClient management = new ManagementClient(c, java.time.Duration.ofSeconds(15))) {
                return management.text(resource, operation, args);
            }
        }
    }

    /** On node 3's primary: acme's user reaches nothing of tenant other, over CORE, AMQP and MQTT. */
    private static void isolated(ClusterLayout.Member node) throws Exception {
        String amqp = "amqp://" + node.host() + ":" + node.brokerPort();
        List<jakarta.jms.ConnectionFactory> factories = List.of(new ActiveMQConnectionFactory(node.brokerUrl(), "acme-dev", "acme-password"),
                new org.apache.qpid.jms.JmsConnectionFactory("acme-dev", "acme-password", amqp));
        for (jakarta.jms.ConnectionFactory cf : factories) {
            try (Connection c = cf.createConnection()) {
                c.start();
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                org.junit.jupiter.api.Assertions.assertThrows(jakarta.jms.JMSException.class,
                        () -> session.createProducer(session.createTopic("tenant.other.events")).send(session.createTextMessage("x")),
                        cf.getClass().getSimpleName() + ": acme sends to other");
            }
            try (Connection c = cf.createConnection()) {
                c.start();
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                org.junit.jupiter.api.Assertions.assertThrows(jakarta.jms.JMSException.class,
                        () -> session.createConsumer(session.createQueue("tenant.other.events::tenant.other.events")).receive(500),
                        cf.getClass().getSimpleName() + ": acme consumes other's queue");
            }
        }
        org.eclipse.paho.client.mqttv3.MqttClient mqtt = new org.eclipse.paho.client.mqttv3.MqttClient("tcp://" + node.host() + ":" + node.brokerPort(),
                "tenant.acme.device", new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        org.eclipse.paho.client.mqttv3.MqttConnectOptions options = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
        options.setUserName("acme-dev");
        options.setPassword("acme-password".toCharArray());
        mqtt.connect(options);
        assertEquals(128, mqtt.subscribeWithResponse("tenant/other/#", 1).getGrantedQos()[0], "MQTT: acme subscribes to other");
        assertEquals(1, mqtt.subscribeWithResponse("tenant/acme/events", 1).getGrantedQos()[0], "MQTT: acme subscribes to its own");
        mqtt.disconnect();
        mqtt.close();
    }

    /**
     * The cluster user, with the right secret, is refused over AMQP, MQTT and STOMP and over CORE from an address that
     * is no node's; over CORE from a node's address it is let in (the cluster's own bridges).
     */
    private static void clusterUserOnlyFromTheNodesOverCore(ClusterLayout.Member node, String user) throws Exception {
        assertTrue(user.startsWith("junction-cluster-") && user.length() > 30, "the cluster user's name comes from the secret: " + user);
        String secret = SECRET;
        String hostPort = node.host() + ":" + node.brokerPort();
        org.junit.jupiter.api.Assertions.assertThrows(jakarta.jms.JMSException.class,
                () -> new org.apache.qpid.jms.JmsConnectionFactory(user, secret, "amqp://" + hostPort).createConnection().start(), "AMQP");
        org.eclipse.paho.client.mqttv3.MqttConnectOptions options = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
        options.setUserName(user);
        options.setPassword(secret.toCharArray());
        org.junit.jupiter.api.Assertions.assertThrows(org.eclipse.paho.client.mqttv3.MqttException.class,
                () -> new org.eclipse.paho.client.mqttv3.MqttClient("tcp://" + hostPort, "cluster-probe",
                        new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence()).connect(options), "MQTT");
        try (java.net.Socket stomp = new java.net.Socket(node.host(), node.brokerPort())) {
            stomp.setSoTimeout(10_000);
            stomp.getOutputStream().write(("CONNECT\naccept-version:1.2\nhost:" + node.host() + "\nlogin:" + user + "\npasscode:" + secret + "\n\n\0")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] answer = new byte[9];
            int n = stomp.getInputStream().readNBytes(answer, 0, answer.length);
            String frame = new String(answer, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
            assertTrue(frame.startsWith("ERROR"), "STOMP: the cluster user got " + frame);
        }
        org.junit.jupiter.api.Assertions.assertThrows(jakarta.jms.JMSException.class,
                () -> new ActiveMQConnectionFactory(node.brokerUrl() + "?localAddress=127.0.0.2&localPort=" + FreePorts.next()
                        + "&reconnectAttempts=0", user, secret).createConnection().close(),
                "CORE from 127.0.0.2, no node's address");
        new ActiveMQConnectionFactory(node.brokerUrl() + "?reconnectAttempts=0", user, secret).createConnection().close();
    }

    /**
     * A ZooKeeper client without the cluster's credentials is refused every read and write; with them (this JVM's,
     * installed by the nodes) the same request is served.
     */
    private static void zooKeeperServesOnlyTheCluster(String connect) throws Exception {
        org.apache.zookeeper.client.ZKClientConfig anonymous = new org.apache.zookeeper.client.ZKClientConfig();
        anonymous.setProperty(org.apache.zookeeper.client.ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        for (boolean stranger : new boolean[] {true, false}) {
            java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);
            org.apache.zookeeper.Watcher watcher = e -> {
                if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            };
            try (org.apache.zookeeper.ZooKeeper zk = stranger ? new org.apache.zookeeper.ZooKeeper(connect, 10_000, watcher, false, anonymous)
                    : new org.apache.zookeeper.ZooKeeper(connect, 10_000, watcher)) {
                assertTrue(connected.await(20, TimeUnit.SECONDS), "ZooKeeper answers at " + connect);
                if (stranger) {
                    org.apache.zookeeper.KeeperException read = org.junit.jupiter.api.Assertions.assertThrows(org.apache.zookeeper.KeeperException.class,
                            () -> zk.getChildren("/", false), "a stranger lists ZooKeeper's nodes");
                    assertEquals(org.apache.zookeeper.KeeperException.Code.SESSIONCLOSEDREQUIRESASLAUTH, read.code(), "why the stranger was refused");
                    org.junit.jupiter.api.Assertions.assertThrows(org.apache.zookeeper.KeeperException.class,
                            () -> zk.create("/stranger", new byte[0], org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE,
                                    org.apache.zookeeper.CreateMode.PERSISTENT), "a stranger writes to ZooKeeper");
                } else {
                    assertTrue(zk.getChildren("/", false).contains(DirectoryRegistry.NAMESPACE), "the cluster's own login reads its nodes");
                }
            }
        }
    }

    /**
     * Guessing the cluster secret under Artemis's well-known cluster user names reaches Junction's security manager:
     * each guess is a failed login, and five from one address lock that address out for that name.
     */
    private static void clusterSecretGuessesAreThrottled(ClusterNode node) {
        ClusterLayout.Member me = node.layout().me();
        var security = (io.junction.security.JunctionSecurityManager) node.primary().orElseThrow().getSecurityManager();
        for (String guess : new String[] {"junction-cluster", "ACTIVEMQ.CLUSTER.ADMIN.USER"}) {
            assertFalse(security.throttled("/127.0.0.4:1", guess), "no failures yet for " + guess);
            for (int i = 0; i < 5; i++) {
                org.junit.jupiter.api.Assertions.assertThrows(jakarta.jms.JMSException.class,
                        () -> new ActiveMQConnectionFactory(me.brokerUrl() + "?localAddress=127.0.0.4&localPort=" + FreePorts.next()
                                + "&reconnectAttempts=0", guess, "guess-" + System.nanoTime()).createConnection().close(), guess);
            }
            assertTrue(security.throttled("/127.0.0.4:1", guess), "five wrong secrets for " + guess + " lock its guesser out");
        }
        assertFalse(security.throttled("/127.0.0.1:1", "junction-cluster"), "only the guesser's address is locked out");
    }

    /** Each ZooKeeper port answers on its member's private address and on no other, the brokers' included. */
    private static void zooKeeperOnlyOnItsOwnAddresses(ClusterLayout layout) {
        for (ClusterLayout.Member m : layout.members()) {
            assertEquals(PRIVATE_HOSTS.split(",")[m.id() - 1], m.zkHost(), "node " + m.id() + "'s ZooKeeper address");
            for (int port : new int[] {m.zkPort(), m.zkPeerPort(), m.zkElectionPort()}) {
                assertFalse(accepts(m.host(), port), "ZooKeeper port " + port + " of node " + m.id() + " open on the brokers' address " + m.host());
            }
            assertTrue(accepts(m.zkHost(), m.zkPort()), "node " + m.id() + "'s ZooKeeper serves on " + m.zooKeeperAddress());
            assertTrue(accepts(m.zkHost(), m.zkElectionPort()), "node " + m.id() + "'s ZooKeeper election port on " + m.zkHost());
        }
    }

    private static boolean accepts(String host, int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(host, port), 2_000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Publishes to tenant acme's events as its user and reads the message back from the tenant's queue. */
    private static String roundTrip(String url, String body) throws Exception {
        try (Connection c = new ActiveMQConnectionFactory(url, "acme-dev", "acme-password").createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createTopic("tenant.acme.events"));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            producer.send(session.createTextMessage(body));
            TextMessage m = (TextMessage) session.createConsumer(session.createQueue("tenant.acme.events::tenant.acme.events")).receive(10_000);
            return m == null ? null : m.getText();
        }
    }

    /**
     * g1's record of a consumer on g3 is wiped, as chaos runs saw such records go stale: g1 then keeps what it is sent
     * for that queue, until its node's {@link StrandedMessageWatch} finds the consumer on g3 and has the record renewed.
     */
    private static void staleRecordOfARemoteConsumerIsRepaired(ActiveMQServer g1Server, String g1, ClusterLayout.Member three) throws Exception {
        String queue = "stale.q";
        try (Connection c = new ActiveMQConnectionFactory(three.brokerUrl(), AppUser.NAME, AppUser.PASSWORD).createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            Waits.until(Duration.ofSeconds(30), "g1 to learn of the consumer on g3", () -> remoteConsumers(g1Server, queue) > 0);
            g1Server.getPostOffice().getAllBindings().filter(b -> b instanceof RemoteQueueBinding r && r.getRoutingName().toString().equals(queue))
                    .forEach(b -> ((RemoteQueueBinding) b).reset());
            assertEquals(0, remoteConsumers(g1Server, queue), "the record was not wiped");
            send(g1, queue, 30);
            Queue held = (Queue) g1Server.getPostOffice().getBinding(SimpleString.of(queue)).getBindable();
            assertEquals(30, held.getMessageCount(), "with its record of g3's consumer wiped, g1 should keep the messages (no repair yet)");
            long start = System.nanoTime();
            for (int i = 0; i < 30; i++) {
                assertNotNull(consumer.receive(60_000), "message " + i + " stranded on g1 never reached the consumer on g3");
            }
            System.out.printf("stranded messages reached their consumer on another group after %.1f s%n", (System.nanoTime() - start) / 1e9);
            assertTrue(remoteConsumers(g1Server, queue) > 0, "g1's record of g3's consumer was not renewed");
        }
    }

    /**
     * Messages of message groups (pollers group each device's) sent to g1 while no consumer is anywhere stay there;
     * a consumer then opened on g3 gets them all, in each group's order, though Artemis's redistributor passes
     * grouped messages over: the node's {@link StrandedMessageWatch} moves them.
     */
    private static void groupedMessagesHeldOnAGroupWithoutConsumersReachAnother(ActiveMQServer g1Server, String g1, ClusterLayout.Member three)
            throws Exception {
        String queue = "grouped.q";
        int groups = 3;
        int each = 10;
        try (Connection c = new ActiveMQConnectionFactory(g1, AppUser.NAME, AppUser.PASSWORD).createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; i < each; i++) {
                for (int g = 0; g < groups; g++) {
                    jakarta.jms.TextMessage m = session.createTextMessage(String.valueOf(i));
                    m.setStringProperty("JMSXGroupID", "device-" + g);
                    producer.send(m);
                }
            }
            jakarta.jms.TextMessage plain = session.createTextMessage("ungrouped");
            producer.send(plain);
        }
        Queue held = (Queue) g1Server.getPostOffice().getBinding(SimpleString.of(queue)).getBindable();
        assertEquals(groups * each + 1, held.getMessageCount(), "with no consumer anywhere, g1 keeps the messages");
        try (Connection c = new ActiveMQConnectionFactory(three.brokerUrl(), AppUser.NAME, AppUser.PASSWORD).createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            Map<String, List<Integer>> received = new java.util.TreeMap<>();
            long start = System.nanoTime();
            for (int i = 0; i < groups * each + 1; i++) {
                jakarta.jms.TextMessage m = (jakarta.jms.TextMessage) consumer.receive(60_000);
                assertNotNull(m, "message " + i + " of " + (groups * each + 1) + " held on g1 never reached the consumer on g3; received " + received);
                if (m.getStringProperty("JMSXGroupID") != null) {
                    received.computeIfAbsent(m.getStringProperty("JMSXGroupID"), k -> new ArrayList<>()).add(Integer.parseInt(m.getText()));
                }
            }
            System.out.printf("grouped messages held on g1 reached their consumer on g3 after %.1f s%n", (System.nanoTime() - start) / 1e9);
            for (int g = 0; g < groups; g++) {
                assertEquals(java.util.stream.IntStream.range(0, each).boxed().toList(), received.get("device-" + g), "device-" + g + "'s order");
            }
            assertEquals(0, held.getMessageCount(), "g1 still holds messages");
        }
    }

    /** The consumers {@code server}'s cluster connection counts on other groups for {@code queue}. */
    private static int remoteConsumers(ActiveMQServer server, String queue) {
        return server.getPostOffice().getAllBindings().filter(b -> b instanceof RemoteQueueBinding r && r.getRoutingName().toString().equals(queue))
                .mapToInt(b -> ((RemoteQueueBinding) b).consumerCount()).sum();
    }

    private static void send(String url, String queue, int count) throws Exception {
        try (Connection c = new ActiveMQConnectionFactory(url, AppUser.NAME, AppUser.PASSWORD).createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            ReliableSender sender = new ReliableSender(producer, Duration.ofSeconds(30));
            for (int i = 0; i < count; i++) {
                sender.send(session.createTextMessage("m" + i));
            }
        }
    }

    @Test
    void theExampleConfigsForThreeHostsDescribeOneClusterOnceGivenASecret() throws Exception {
        List<ClusterLayout> layouts = new ArrayList<>();
        String secret = ClusterLayout.newSecret();
        for (int id = 1; id <= 3; id++) {
            Path example = Path.of("..", "etc", "cluster", "node" + id + ".properties");
            org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> ClusterLayout.of(NodeConfig.load(example)),
                    "the example starts only with a secret of the operator's");
            Path filled = dir.resolve("node" + id + ".properties");
            Files.writeString(filled, Files.readString(example).replaceFirst("(?m)^cluster\\.secret=.*$", "cluster.secret=" + secret));
            layouts.add(ClusterLayout.of(NodeConfig.load(filled)));
            assertEquals(id, layouts.get(id - 1).self());
        }
        assertEquals(layouts.get(0).members(), layouts.get(1).members(), "node 1 and node 2 list the same nodes");
        assertEquals(layouts.get(0).members(), layouts.get(2).members(), "node 1 and node 3 list the same nodes");
        assertEquals(layouts.get(0).secret(), layouts.get(2).secret(), "every node has the same secret");
    }

    @Test
    void aClusterConfigurationIsCheckedKeyByKey() {
        String three = "h1:1:2:3:4:5,h2:1:2:3:4:5,h3:1:2:3:4:5";
        assertEquals("Invalid value 4 for configuration cluster.node-id in test: must be between 1 and 3, the nodes in cluster.nodes",
                assertThrowsConfig(Map.of("cluster.node-id", "4", "cluster.nodes", three, "cluster.secret", "s")));
        assertEquals("Invalid value h1:1:2 for configuration cluster.nodes in test: a cluster needs at least three nodes for a ZooKeeper majority",
                assertThrowsConfig(Map.of("cluster.node-id", "1", "cluster.nodes", "h1:1:2", "cluster.secret", "s")).replace(
                        "entry 'h1:1:2' is not host:broker-port:backup-port:zk-port:zk-peer-port:zk-election-port",
                        "a cluster needs at least three nodes for a ZooKeeper majority"));
        assertEquals("Invalid value  for configuration cluster.secret in test: a cluster needs a secret shared by its nodes",
                assertThrowsConfig(Map.of("cluster.node-id", "1", "cluster.nodes", three)));
        assertEquals("Invalid value 10s for configuration cluster.lock-session in test: must be 2 to 20 times zookeeper.tick (200ms)",
                assertThrowsConfig(Map.of("cluster.node-id", "1", "cluster.nodes", three, "cluster.secret", "test-cluster-secret-0123456789abcdefXYZ", "cluster.lock-session", "10s")));
    }

    private static String assertThrowsConfig(Map<String, String> values) {
        try {
            ClusterLayout.of(NodeConfig.parse(values, "test"));
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("no ConfigException for " + values);
    }

    private Config config(int id, String nodes) {
        return NodeConfig.parse(Map.of(
                NodeConfig.DATA_DIR.name(), dir.resolve("node" + id).toString(),
                NodeConfig.NAME.name(), "node" + id,
                NodeConfig.JOURNAL_TYPE.name(), "nio",
                NodeConfig.CLUSTER_NODE_ID.name(), String.valueOf(id),
                NodeConfig.CLUSTER_NODES.name(), nodes,
                NodeConfig.CLUSTER_SECRET.name(), SECRET,
                NodeConfig.ZOOKEEPER_HOSTS.name(), PRIVATE_HOSTS), "node" + id + ".properties");
    }
}
