package io.junction.cli;

import io.junction.client.Credentials;
import io.junction.cluster.ClusterLayout;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientRequestor;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.api.core.management.ResourceNames;

/**
 * Asks each of the cluster's six brokers every {@link #PERIOD_MS} ms, each over a connection of its own, whether it
 * is active, and records every moment at which both brokers of one group said so within {@link #PERIOD_MS} ms of each
 * other. A broker that cannot be reached counts as not active: the test reaches every node even while the nodes
 * are cut off from each other, and a frozen broker serves no one.
 */
final class ActiveWatch implements AutoCloseable {
    static final long PERIOD_MS = 100;
    private static final String QUERY = "reconnectAttempts=0&initialConnectAttempts=1&callTimeout=1000&connectionTTL=5000&connectTimeoutMillis=1000";

    /** A moment both brokers of group {@code group} (1 to 3) said they were active: when it began. */
    record Episode(int group, long nanos, LocalTime at) {
        @Override
        public String toString() {
            return "g" + group + " at " + at;
        }
    }

    /** One per episode (samples less than a second apart belong to one). */
    final List<Episode> episodes = new CopyOnWriteArrayList<>();
    /** Samples at which the other broker of the group had said it was active within the period. */
    final AtomicLong overlappingSamples = new AtomicLong();
    final AtomicLong samples = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    /** Per group, [primary, backup]: the time (nanos) of the last sample that said active, 0 if the last said not. */
    private final AtomicLong[][] activeAt;
    private final long[] lastEpisode;

    ActiveWatch(ClusterLayout layout, Credentials admin) {
        List<ClusterLayout.Member> members = layout.members();
        activeAt = new AtomicLong[members.size()][2];
        lastEpisode = new long[members.size()];
        for (int g = 0; g < members.size(); g++) {
            ClusterLayout.Member primary = members.get(g);
            ClusterLayout.Member backupNode = members.get((g + 1) % members.size());
            String[] urls = {primary.brokerUrl(), backupNode.backupUrl()};
            for (int role = 0; role < 2; role++) {
                activeAt[g][role] = new AtomicLong();
                int group = g;
                int r = role;
                String url = layout.clientUrl(urls[role], QUERY);
                Thread t = new Thread(() -> watch(group, r, url, admin), "active-watch-g" + (g + 1) + "-" + (role == 0 ? "primary" : "backup"));
                t.setDaemon(true);
                threads.add(t);
            }
        }
        threads.forEach(Thread::start);
    }

    private void watch(int group, int role, String url, Credentials admin) {
        while (running.get()) {
            try (ServerLocator locator = ActiveMQClient.createServerLocator(url);
                 ClientSessionFactory factory = locator.createSessionFactory();
                 ClientSession session = factory.createSession(admin.user(), admin.password(), false, true, true, false, 1)) {
                session.start();
                try (ClientRequestor requestor = new ClientRequestor(session, "activemq.management")) {
                    while (running.get()) {
                        ClientMessage request = session.createMessage(false);
                        ManagementHelper.putAttribute(request, ResourceNames.BROKER, "active");
                        ClientMessage reply = requestor.request(request, 1_000);
                        if (reply == null || !ManagementHelper.hasOperationSucceeded(reply)) {
                            break;
                        }
                        // ClientRequestor leaves the reply unacknowledged: a long-lived session piled up thousands of
                        // them on each broker, delivering, until the consumer's window ran out and a request timed out
                        reply.acknowledge();
                        record(group, role, Boolean.TRUE.equals(ManagementHelper.getResult(reply)));
                        Thread.sleep(PERIOD_MS);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // passive, down, frozen or cut off: not serving anyone
            }
            record(group, role, false);
            sleep();
        }
    }

    private void record(int group, int role, boolean active) {
        long now = System.nanoTime();
        samples.incrementAndGet();
        activeAt[group][role].set(active ? now : 0);
        long other = activeAt[group][1 - role].get();
        if (active && other != 0 && now - other <= PERIOD_MS * 1_000_000) {
            overlappingSamples.incrementAndGet();
            synchronized (lastEpisode) {
                if (now - lastEpisode[group] > 1_000_000_000L || lastEpisode[group] == 0) {
                    episodes.add(new Episode(group + 1, now, LocalTime.now()));
                }
                lastEpisode[group] = now;
            }
        }
    }

    private void sleep() {
        try {
            Thread.sleep(PERIOD_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(5_000);
        }
    }
}
