package io.junction.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.junction.client.Credentials;
import io.junction.cluster.ClusterLayout;
import io.junction.cluster.ops.ClusterHealth;
import io.junction.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * The chaos run ({@code bench/chaos}): three node processes in network namespaces under steady durable load from a
 * CORE, an AMQP and an MQTT client, and faults injected at random until the time is up: a node killed (SIGKILL) and
 * started again, a node frozen (SIGSTOP) for longer than the lock session and thawed, a node cut off from the others
 * and let back, the node of ZooKeeper's leader killed. After each fault the run waits for the cluster to heal (every
 * group replicated on its primary). At the end every acknowledged message is checked against what the consumers
 * received. Prints one summary line (also written to {@code target/cluster-chaos/summary.txt}) and fails on any lost
 * message, a cluster that did not heal, or a moment two brokers of a group said they were active, other than in the
 * {@link #THAWING} after a thaw: a thawed broker still believes itself active until its lock manager's next look at
 * ZooKeeper, and what it does then (the fence fails what it cannot prove) is judged by the lost-message check. The
 * same holds for a node cut off, until {@link #THAWING} after the cut ends: its primary loses its lock within 1.5 s
 * of losing ZooKeeper, but Artemis's stop that follows can take seconds, and until it is done the broker still says
 * it is active (seen once in the default suite: 6 s, while its group's backup had taken over; nothing was lost, as
 * without its lock the fence lets it acknowledge nothing). Such moments are counted apart and printed.
 * <p>
 * By default it injects four faults, one after the other: a freeze of node 1 (whose brokers the clients
 * reach first; it holds one group's primary and another's backup), a freeze of the ZooKeeper leader's node, a kill of
 * the ZooKeeper leader's node and a cut of node 2. With {@code -Djunction.chaos.minutes=N}
 * ({@code bench/chaos}) it picks faults at random for N minutes ({@code -Djunction.chaos.seed=S} repeats a run's
 * choice; {@code -Djunction.fence=off} runs the brokers without the fence). Needs root for the namespaces, and says so
 * when skipped.
 * <p>
 * In the default suite (the four-fault run; {@code -Djunction.chaos=false} skips it). Its second clean-clone CI run,
 * on 2026-12-01, ended with 222 CORE and 67 AMQP acknowledged messages not received within 120 s; the logs of that
 * run are gone. The most likely cause, found since in the thread dumps of a longer run, is a ZooKeeper request that
 * was never answered (a fence's proof or a lock-manager call waited for ever; requests are now bounded, see
 * docs/ha.md). When acknowledged messages are missing, the run now drains every active broker directly and says
 * which were still on a broker (stranded: the test still fails; the dead-letter and expiry queues are drained too)
 * and which are gone (lost), and lists the lost numbers as runs with the times they were sent and acknowledged.
 */
@DisabledIfSystemProperty(named = "junction.chaos", matches = "false", disabledReason = "-Djunction.chaos=false")
class ClusterChaosTest {
    enum Fault { KILL, FREEZE, PARTITION, KILL_ZOOKEEPER_LEADER }

    /** Longer than the 3 s lock session and the 3 s connection TTL together. */
    private static final Duration FROZEN = Duration.ofSeconds(8);
    private static final Duration CUT = Duration.ofSeconds(10);
    /** In the default run's plan: the node of ZooKeeper's leader when the fault comes. */
    private static final int LEADERS_NODE = 0;
    private static final Duration HEAL = Duration.ofSeconds(240);
    /** How long after a thaw the thawed broker may still say it is active. */
    static final Duration THAWING = Duration.ofSeconds(3);
    private final Path dir = Path.of("target", "cluster-chaos").toAbsolutePath();

    @Test
    void randomFaultsLoseNoAcknowledgedMessage() throws Exception {
        String minutesProperty = System.getProperty("junction.chaos.minutes");
        if (minutesProperty != null && !minutesProperty.matches("[0-9]+(\\.[0-9]+)?")) {
            throw new IllegalArgumentException("junction.chaos.minutes: '" + minutesProperty + "' is not a number of minutes");
        }
        double minutes = minutesProperty == null ? 0 : Double.parseDouble(minutesProperty);
        List<Map.Entry<Fault, Integer>> plan = minutesProperty != null ? List.of()
                : List.of(Map.entry(Fault.FREEZE, 1), Map.entry(Fault.FREEZE, LEADERS_NODE), Map.entry(Fault.KILL_ZOOKEEPER_LEADER, LEADERS_NODE),
                        Map.entry(Fault.PARTITION, 2));
        long seed = Long.getLong("junction.chaos.seed", System.currentTimeMillis());
        Random random = new Random(seed);
        NetworkNamespaces net;
        try {
            net = NetworkNamespaces.create(3);
        } catch (Exception e) {
            Assumptions.abort("network namespaces cannot be created here (the chaos run needs root): " + e.getMessage());
            return;
        }
        Map<Fault, Integer> faults = new EnumMap<>(Fault.class);
        List<String> faultLog = new ArrayList<>();
        List<Long> thaws = new ArrayList<>();
        List<long[]> cuts = new ArrayList<>();
        String unhealed = null;
        ClusterLayout layoutSeen = null;
        long missing = 0;
        List<String> stranded = new ArrayList<>();
        List<ClusterLoad.Worker> workers = new ArrayList<>();
        ClusterLoad.Producer core;
        ClusterLoad.AmqpProducer amqp;
        ClusterLoad.MqttProducer mqtt;
        ClusterLoad.Consumer coreIn;
        ClusterLoad.Consumer amqpIn;
        ClusterLoad.Consumer mqttIn;
        ActiveWatch watch;
        long startedAt;
        long endedAt;
        try (net; NamespaceCluster cluster = NamespaceCluster.start(net, dir.resolve("cluster"))) {
            ClusterLayout layout = cluster.layout();
            layoutSeen = layout;
            Credentials admin = cluster.admin();
            cluster.awaitHealthy(HEAL, "every group replicated on its primary");
            ClusterLoad.createMqttQueue(layout, admin);
            core = new ClusterLoad.Producer(admin);
            amqp = new ClusterLoad.AmqpProducer(layout, admin);
            mqtt = new ClusterLoad.MqttProducer(layout, admin);
            coreIn = new ClusterLoad.Consumer(admin);
            amqpIn = new ClusterLoad.Consumer(admin, ClusterLoad.AmqpProducer.QUEUE);
            mqttIn = new ClusterLoad.Consumer(admin, ClusterLoad.MqttProducer.QUEUE);
            workers.addAll(List.of(coreIn, amqpIn, mqttIn, core, amqp, mqtt));
            watch = new ActiveWatch(layout, admin);
            try {
                workers.forEach(ClusterLoad.Worker::start);
                ClusterLoad.Producer c = core;
                ClusterLoad.AmqpProducer a = amqp;
                ClusterLoad.MqttProducer m = mqtt;
                Waits.until(Duration.ofSeconds(90), "100 acknowledged sends from each client",
                        () -> c.acknowledged.size() >= 100 && a.acknowledged.size() >= 100 && m.acknowledged.size() >= 100);
                startedAt = System.nanoTime();
                long deadline = startedAt + (long) (minutes * 60e9);
                for (int round = 0; minutesProperty == null ? round < plan.size() : System.nanoTime() < deadline; round++) {
                    Fault fault = plan.isEmpty() ? Fault.values()[random.nextInt(Fault.values().length)] : plan.get(round).getKey();
                    int node = fault == Fault.KILL_ZOOKEEPER_LEADER || (!plan.isEmpty() && plan.get(round).getValue() == LEADERS_NODE)
                            ? leader(layout, admin) : plan.isEmpty() ? 1 + random.nextInt(3) : plan.get(round).getValue();
                    long at = System.nanoTime();
                    inject(cluster, fault, node, random, thaws, cuts);
                    faults.merge(fault, 1, Integer::sum);
                    try {
                        cluster.awaitHealthy(HEAL, "the cluster to heal after " + fault + " of node " + node);
                    } catch (AssertionError e) {
                        unhealed = fault + " of node " + node + " at " + LocalDateTime.now() + ": " + e.getMessage();
                        faultLog.add(unhealed);
                        System.out.println("chaos: " + unhealed);
                        ClusterLoad.threadDumps(cluster.home());
                        break;
                    }
                    String line = String.format("%s %s of node %d, healed %.1f s after the fault began", LocalDateTime.now(), fault, node,
                            (System.nanoTime() - at) / 1e9);
                    faultLog.add(line);
                    System.out.println("chaos: " + line);
                    Thread.sleep(3_000 + random.nextInt(4_000));
                }
                endedAt = System.nanoTime();
                for (ClusterLoad.Worker producer : List.of(core, amqp, mqtt)) {
                    producer.stop();
                }
                for (var pair : List.of(Map.entry(core.acknowledged, coreIn), Map.entry(amqp.acknowledged, amqpIn),
                        Map.entry(mqtt.acknowledged, mqttIn))) {
                    Waits.poll(unhealed == null ? Duration.ofSeconds(120) : Duration.ZERO, Duration.ofMillis(200),
                            () -> pair.getValue().received.keySet().containsAll(pair.getKey().keySet()));
                }
                for (var pair : List.of(Map.entry(core.acknowledged, coreIn), Map.entry(amqp.acknowledged, amqpIn),
                        Map.entry(mqtt.acknowledged, mqttIn))) {
                    missing += pair.getKey().keySet().stream().filter(k -> !pair.getValue().received.containsKey(k)).count();
                }
                if (missing > 0) {
                    // where are they? on a broker the consumers no longer reach, or nowhere (also when the cluster
                    // did not heal: what the active brokers hold says whether a consumer was stuck or a group is)
                    if (unhealed == null) {
                        ClusterLoad.threadDumps(cluster.home());
                    }
                    ownThreads(dir.resolve("test-threads-" + System.currentTimeMillis() + ".txt"));
                    for (ClusterLoad.Worker consumer : List.of(coreIn, amqpIn, mqttIn)) {
                        consumer.stop();
                    }
                    stranded.addAll(ClusterLoad.drainStranded(layout, admin, Map.of(ClusterLoad.QUEUE, coreIn,
                            ClusterLoad.AmqpProducer.QUEUE, amqpIn, ClusterLoad.MqttProducer.QUEUE, mqttIn)));
                    stranded.forEach(l -> System.out.println("chaos: stranded? " + l));
                }
            } finally {
                for (ClusterLoad.Worker w : workers) {
                    w.stop();
                }
                watch.close();
            }
        }
        long lostTotal = 0;
        long duplicates = 0;
        long unflagged = 0;
        double longestGap = 0;
        StringBuilder clients = new StringBuilder();
        for (var c : List.of(Map.entry("CORE", Map.entry(core.acknowledged, coreIn)), Map.entry("AMQP", Map.entry(amqp.acknowledged, amqpIn)),
                Map.entry("MQTT", Map.entry(mqtt.acknowledged, mqttIn)))) {
            Map<Long, long[]> acked = c.getValue().getKey();
            ClusterLoad.Consumer in = c.getValue().getValue();
            long lost = acked.keySet().stream().filter(k -> !in.received.containsKey(k)).count();
            lostTotal += lost;
            if (lost > 0) {
                java.util.NavigableMap<Long, String> via = new java.util.TreeMap<>();
                if (c.getKey().equals("CORE")) {
                    for (Map.Entry<Long, String> e : core.via.entrySet()) {
                        via.put(e.getKey(), brokerName(layoutSeen, e.getValue()));
                    }
                }
                String ranges = lostRanges(acked, in.received.keySet(), via);
                faultLog.add("lost " + c.getKey() + ": " + ranges);
                System.out.println("chaos: lost " + c.getKey() + ": " + ranges);
            }
            long clientDuplicates = in.received.values().stream().mapToLong(d -> d.count - 1).sum();
            long clientUnflagged = in.received.values().stream().filter(d -> d.count > 1 && !d.laterRedelivered).count();
            duplicates += clientDuplicates;
            unflagged += clientUnflagged;
            // the time from the last acknowledgement to the end of the faults counts too: a client that never
            // sent again has no gap between acknowledgements to show for it
            long lastAck = acked.values().stream().mapToLong(t -> t[1]).max().orElse(startedAt);
            double gap = Math.max(ClusterLoad.longestGap(acked), Math.round(Math.max(0, endedAt - lastAck) / 1e7) / 100.0);
            longestGap = Math.max(longestGap, gap);
            clients.append(String.format("; %s %d acknowledged, %d %s, %d duplicates (%d unflagged), longest gap %.1f s", c.getKey(), acked.size(), lost,
                    unhealed == null ? "lost" : "not found (the cluster did not heal)", clientDuplicates, clientUnflagged, gap));
        }
        clients.append(String.format(" (CORE connection opened anew %d times, %d sends retried)", core.reopened(), core.retries()));
        List<ActiveWatch.Episode> afterThaw = watch.episodes.stream()
                .filter(e -> thaws.stream().anyMatch(t -> e.nanos() >= t && e.nanos() - t <= THAWING.toNanos())).toList();
        List<ActiveWatch.Episode> duringCut = watch.episodes.stream().filter(e -> !afterThaw.contains(e))
                .filter(e -> cuts.stream().anyMatch(c -> e.nanos() >= c[0] && e.nanos() - c[1] <= THAWING.toNanos())).toList();
        List<ActiveWatch.Episode> split = watch.episodes.stream().filter(e -> !afterThaw.contains(e) && !duringCut.contains(e)).toList();
        String summary = String.format("chaos: %.1f min, seed %d, fence %s, %d faults (%s), %s%s; %d duplicates (%d without the redelivered flag); "
                        + "longest time a client could not send %.1f s; two active brokers in a group: %d of %d samples, %d episodes within %d s of a "
                        + "thaw%s, %d during a cut or within %d s of its end%s, %d other%s",
                (endedAt - startedAt) / 60e9, seed, "off".equals(System.getProperty("junction.fence")) ? "off" : "on", faults.values().stream().mapToInt(Integer::intValue).sum(),
                faults.entrySet().stream().map(e -> e.getKey().name().toLowerCase().replace('_', '-') + " " + e.getValue()).collect(Collectors.joining(", ")),
                unhealed == null ? "healed after each" : "DID NOT HEAL after the last", clients, duplicates, unflagged, longestGap,
                watch.overlappingSamples.get(), watch.samples.get(), afterThaw.size(), THAWING.toSeconds(), afterThaw.isEmpty() ? "" : " " + afterThaw,
                duringCut.size(), THAWING.toSeconds(), duringCut.isEmpty() ? "" : " " + duringCut, split.size(), split.isEmpty() ? "" : " " + split);
        if (missing > lostTotal) {
            summary += String.format("; %d acknowledged messages reached no consumer within 120 s but were still on a broker (%s)",
                    missing - lostTotal, String.join(" | ", stranded));
        }
        System.out.println(summary);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("summary.txt"), String.join("\n", faultLog) + "\n" + summary + "\n");
        assertNull(unhealed, "the cluster did not heal: " + summary);
        // the faults with their times and the lost runs first: CI shows only the end of the output
        assertEquals(0, lostTotal, String.join("; ", faultLog) + "; " + summary);
        assertEquals(0, missing, "stranded messages: " + summary);
        assertEquals(List.of(), split, summary);
        for (ClusterLoad.Worker producer : List.of(core, amqp, mqtt)) {
            assertNull(producer.failure.get(), "a producer gave up: " + summary);
        }
    }

    /** "g2 backup on node 3 (host:port)" for a broker's host:port. */
    private static String brokerName(ClusterLayout layout, String hostPort) {
        if (layout != null) {
            List<ClusterLayout.Member> members = layout.members();
            for (int i = 0; i < members.size(); i++) {
                ClusterLayout.Member m = members.get(i);
                if (hostPort.equals(m.host() + ":" + m.brokerPort())) {
                    return "g" + m.id() + " primary on node " + m.id() + " (" + hostPort + ")";
                }
                if (hostPort.equals(m.host() + ":" + m.backupPort())) {
                    return "g" + members.get((i + members.size() - 1) % members.size()).id() + " backup on node " + m.id() + " (" + hostPort + ")";
                }
            }
        }
        return hostPort;
    }

    /**
     * The acknowledged numbers missing from {@code received}, as runs of consecutive numbers (at most 20), each with
     * the wall-clock times at which its first and last send began and was acknowledged: to set beside the faults.
     */
    static String lostRanges(Map<Long, long[]> acked, java.util.Set<Long> received, java.util.NavigableMap<Long, String> via) {
        long[] lost = acked.keySet().stream().filter(k -> !received.contains(k)).mapToLong(Long::longValue).sorted().toArray();
        long nanos = System.nanoTime();
        long millis = System.currentTimeMillis();
        java.util.function.LongFunction<String> clock = t -> java.time.LocalTime
                .ofInstant(java.time.Instant.ofEpochMilli(millis - (nanos - t) / 1_000_000), java.time.ZoneId.systemDefault()).toString();
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < lost.length && runs.size() < 20; ) {
            int j = i;
            while (j + 1 < lost.length && lost[j + 1] == lost[j] + 1) {
                j++;
            }
            long[] first = acked.get(lost[i]);
            long[] last = acked.get(lost[j]);
            Map.Entry<Long, String> broker = via.floorEntry(lost[i]);
            runs.add(String.format("%d..%d (%d) sent %s, acknowledged %s..%s%s", lost[i], lost[j], j - i + 1, clock.apply(first[0]),
                    clock.apply(first[1]), clock.apply(last[1]), broker == null ? "" : " by " + broker.getValue()));
            i = j + 1;
        }
        return String.join("; ", runs);
    }

    /** Writes the stacks of this JVM's threads (the clients'), to show a client that stopped receiving. */
    private static void ownThreads(Path file) {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            out.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
            for (StackTraceElement e : stack) {
                out.append("\tat ").append(e).append('\n');
            }
            out.append('\n');
        });
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, out);
            System.out.println("chaos: the test's own threads: " + file);
        } catch (java.io.IOException e) {
            System.out.println("chaos: no dump of the test's threads: " + e);
        }
    }

    private static int leader(ClusterLayout layout, Credentials admin) {
        return ClusterHealth.probe(layout, admin.user(), admin.password()).zooKeeper().stream().filter(z -> z.mode().equals("leader"))
                .mapToInt(ClusterHealth.ZooKeeper::node).findFirst().orElse(1);
    }

    private static void inject(NamespaceCluster cluster, Fault fault, int node, Random random, List<Long> thaws, List<long[]> cuts)
            throws Exception {
        switch (fault) {
            case KILL, KILL_ZOOKEEPER_LEADER -> {
                cluster.kill(node);
                Thread.sleep(2_000 + random.nextInt(8_000));
                cluster.startNode(node);
            }
            case FREEZE -> {
                cluster.signal(node, "STOP");
                try {
                    Thread.sleep(FROZEN.toMillis());
                } finally {
                    // noted before the signal: the thawed broker may answer the watch before kill returns
                    thaws.add(System.nanoTime());
                    cluster.signal(node, "CONT");
                }
            }
            case PARTITION -> {
                long cutAt = System.nanoTime();
                cluster.net().isolate(node);
                try {
                    Thread.sleep(CUT.toMillis());
                } finally {
                    cluster.net().heal(node);
                    cuts.add(new long[] {cutAt, System.nanoTime()});
                }
            }
        }
    }
}
