package io.junction.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.Credentials;
import io.junction.client.ReliableSender;
import io.junction.cluster.ClusterLayout;
import io.junction.cluster.ops.BrokerState;
import io.junction.cluster.ops.ClusterHealth;
import io.junction.cluster.ops.GroupStatus;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * Three node processes started by {@code junction cluster up}; under a steady durable load each node in turn is
 * killed with SIGKILL and restarted. No acknowledged send may be lost, and no group may ever have two active brokers.
 */
class ClusterProcessTest {
    /** Under target/ rather than a temporary directory, so that the node logs outlive a failed run. */
    private final Path dir = Path.of("target", "cluster-process-test").toAbsolutePath();

    @Test
    void killingEachNodeInTurnUnderLoadLosesNoAcknowledgedMessage() throws Exception {
        Path home = dir.resolve("cluster");
        ClusterLoad.Up cluster = ClusterLoad.up(home);
        String[] up = cluster.command();
        ClusterLayout layout = cluster.layout();
        Credentials admin = cluster.admin();
        ClusterLoad.SplitWatch splits = new ClusterLoad.SplitWatch(layout, admin);
        ClusterLoad.Producer producer = new ClusterLoad.Producer(admin);
        ClusterLoad.Consumer consumer = new ClusterLoad.Consumer(admin);
        List<Double> failovers = new ArrayList<>();
        List<String> whereabouts = List.of();
        long stranded = 0;
        // a tenant created through node 1 serves through node 3 at once
        String node1 = layout.members().get(0).brokerUrl();
        CliRun tenant = CliRun.of("tenant", "create", "acme", "--url", node1, "--user", admin.user(), "--password", admin.password());
        assertEquals(0, tenant.exitCode(), tenant.err());
        CliRun user = CliRun.withInput("acme-password\n", "user", "add", "--tenant", "acme", "--role", "producer,consumer", "acme-dev",
                "--url", node1, "--user", admin.user(), "--password", admin.password());
        assertEquals(0, user.exitCode(), user.err());
        assertEquals("via node 3", ClusterLoad.tenantRoundTrip(layout.members().get(2).brokerUrl(), "via node 3"));
        try {
            splits.start();
            consumer.start();
            producer.start();
            for (int n = 1; n <= 3; n++) {
                final int node = n;
                long before = producer.acknowledged.size();
                Waits.until(Duration.ofSeconds(60), "100 more acknowledged sends before killing node " + node,
                        () -> producer.acknowledged.size() >= before + 100 || producer.failure.get() != null);
                long pid = Long.parseLong(Files.readString(home.resolve("node" + node).resolve("node.pid")).trim());
                ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
                long killedAt = System.nanoTime();
                process.destroyForcibly();
                process.onExit().get(30, TimeUnit.SECONDS);

                String g = "g" + node;
                int next = node % 3 + 1;
                try {
                    Waits.until(Duration.ofSeconds(60), g + " to fail over to node " + next, () -> {
                        ClusterHealth.Group group = ClusterHealth.probe(layout, admin.user(), admin.password()).groups().get(node - 1);
                        return group.status() == GroupStatus.UNPROTECTED && group.backup().active() && group.primary().state() == BrokerState.DOWN;
                    });
                } catch (AssertionError e) {
                    // CI shows only the end of the output: say there what the cluster looked like
                    CliRun seen = CliRun.of("cluster", "status", "--data", home.toString());
                    throw new AssertionError(e.getMessage() + "; cluster status then: " + seen.out().replace('\n', ' ') + seen.err(), e);
                }
                double failover = producer.firstAcknowledgedAfter(killedAt, Duration.ofSeconds(60));
                failovers.add(failover);
                assertEquals("node " + node + " killed", ClusterLoad.tenantRoundTrip(admin.url(), "node " + node + " killed"),
                        "tenant acme serves through the cluster URL with node " + node + " killed");
                CliRun status = CliRun.of("cluster", "status", "--data", home.toString());
                assertEquals(1, status.exitCode(), "status with node " + node + " down: " + status.out());
                assertTrue(status.out().contains(g + " is UNPROTECTED"), status.out());

                CliRun restarted = CliRun.of(up);
                assertEquals(0, restarted.exitCode(), "restarting node " + node + ": " + restarted.out() + restarted.err());
                assertTrue(restarted.out().contains("started node " + node), restarted.out());
                // the machine is busy resynchronising; a broker too slow to answer shows as unreachable, so allow a retry
                CliRun[] healthy = new CliRun[1];
                Waits.until(Duration.ofSeconds(60), "cluster status to report every group replicated on its primary", () -> {
                    healthy[0] = CliRun.of("cluster", "status", "--data", home.toString(), "--json");
                    return healthy[0].exitCode() == 0;
                });
                assertTrue(healthy[0].out().contains("\"group\":\"" + g + "\",\"status\":\"REPLICATED\",\"activeNode\":" + node),
                        healthy[0].out());
            }
            producer.stop();
            assertEquals(null, producer.failure.get(), "the producer gave up on a send");
            Waits.poll(Duration.ofSeconds(90), Duration.ofMillis(200), () -> consumer.received.keySet().containsAll(producer.acknowledged.keySet()));
            if (!consumer.received.keySet().containsAll(producer.acknowledged.keySet())) {
                // stranded on a broker (found by draining each active broker alone) or gone: CI shows only the end
                // of the output, so the assertions below carry what was found
                long missing = producer.acknowledged.keySet().stream().filter(k -> !consumer.received.containsKey(k)).count();
                whereabouts = ClusterLoad.drainStranded(layout, admin, Map.of(ClusterLoad.QUEUE, consumer));
                stranded = missing - producer.acknowledged.keySet().stream().filter(k -> !consumer.received.containsKey(k)).count();
            }
            producer.stop();
            consumer.stop();
            splits.stop();
            ZooKeeperLoss.assertRecoverRestoresAfterLosingZooKeeperData(home, "survivors", 50);
        } catch (Throwable e) {
            ClusterLoad.threadDumps(home);
            throw e;
        } finally {
            producer.stop();
            consumer.stop();
            splits.stop();
            CliRun down = CliRun.of("cluster", "down", "--data", home.toString());
            System.out.println("cluster down: " + down.out() + down.err());
        }
        List<Long> lost = producer.acknowledged.keySet().stream().filter(k -> !consumer.received.containsKey(k)).toList();
        long duplicates = consumer.received.values().stream().mapToLong(d -> d.count - 1).sum();
        long unflagged = consumer.received.values().stream().filter(d -> d.count > 1 && !d.laterRedelivered).count();
        System.out.printf("cluster kill test: %d acknowledged, %d received, %d lost, %d duplicates (%d without the redelivered flag), "
                        + "%d send retries, failover %s s%n", producer.acknowledged.size(), consumer.received.size(), lost.size(), duplicates,
                unflagged, producer.retries(), failovers);
        assertTrue(lost.isEmpty(), lost.size() + " acknowledged messages never received: "
                + ClusterChaosTest.lostRanges(producer.acknowledged, consumer.received.keySet(), producer.via) + "; on the active brokers: " + whereabouts);
        assertEquals(0, stranded, "acknowledged messages reached no consumer within 90 s but were still on a broker: " + whereabouts);
        // Artemis writes the delivery count before a delivery but does not wait for the backup to have it, so a kill -9
        // in that instant can bring one message back unflagged (1 run in 6 here); without the setting a run had 42
        assertTrue(unflagged <= 2, unflagged + " messages delivered again without the JMS redelivered flag");
        assertEquals(List.of(), splits.seen, "moments with two active brokers in one group");
        assertTrue(producer.acknowledged.size() >= 300, "the load kept flowing: " + producer.acknowledged.size());
    }
}
