package io.junction.cluster;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientRequestor;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.api.core.management.ResourceNames;

/**
 * Reads attributes of one broker (its {@code broker} management resource) over one short CORE connection that never
 * reconnects: what {@code junction cluster status} shows and what a node asks of its peers.
 */
public final class BrokerAttributes {
    /** How long connecting and each reply may take. */
    public static final int TIMEOUT_MS = 3_000;
    /** The URL query for such a connection: one attempt, no reconnection, bounded waits. */
    public static final String QUERY = "reconnectAttempts=0&initialConnectAttempts=1&callTimeout=" + TIMEOUT_MS
            + "&connectionTTL=10000&connectTimeoutMillis=" + TIMEOUT_MS;

    private BrokerAttributes() {
    }

    /**
     * The named attributes, in order, from the broker at {@code url} (which should carry {@link #QUERY}). Throws what
     * the client threw (an {@code ActiveMQNotConnectedException} when nothing answers, a security exception for a
     * refused login) or an {@code IOException} for a missing or refused reply.
     */
    public static Map<String, Object> read(String url, String user, String password, String... names) throws Exception {
        Map<String, Object> values = new LinkedHashMap<>();
        ask(url, user, password, (session, requestor) -> {
            for (String name : names) {
                ClientMessage reply = request(session, requestor, ResourceNames.BROKER, name);
                if (!ManagementHelper.hasOperationSucceeded(reply)) {
                    throw new IOException("management refused " + name + ": " + ManagementHelper.getResult(reply));
                }
                values.put(name, ManagementHelper.getResult(reply));
            }
        });
        return values;
    }

    /**
     * The attribute {@code name} of each of {@code resources} (e.g. {@code queue.orders}) from the broker at {@code
     * url}, over one connection; a resource the broker does not have, or refuses, is left out. Throws when the broker
     * cannot be reached or stops answering.
     */
    public static Map<String, Object> readEach(String url, String user, String password, String name, Collection<String> resources) throws Exception {
        Map<String, Object> values = new LinkedHashMap<>();
        ask(url, user, password, (session, requestor) -> {
            for (String resource : resources) {
                ClientMessage reply = request(session, requestor, resource, name);
                if (ManagementHelper.hasOperationSucceeded(reply)) {
                    values.put(resource, ManagementHelper.getResult(reply));
                }
            }
        });
        return values;
    }

    private interface Requests {
        void run(ClientSession session, ClientRequestor requestor) throws Exception;
    }

    private static void ask(String url, String user, String password, Requests requests) throws Exception {
        try (ServerLocator locator = ActiveMQClient.createServerLocator(url);
             ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = factory.createSession(user, password, false, true, true, false, 1)) {
            session.start();
            try (ClientRequestor requestor = new ClientRequestor(session, "activemq.management")) {
                requests.run(session, requestor);
            }
        }
    }

    private static ClientMessage request(ClientSession session, ClientRequestor requestor, String resource, String name) throws Exception {
        ClientMessage request = session.createMessage(false);
        ManagementHelper.putAttribute(request, resource, name);
        ClientMessage reply = requestor.request(request, TIMEOUT_MS);
        if (reply == null) {
            throw new IOException("no management reply for " + resource + " " + name);
        }
        // a reply left unacknowledged stays on the broker, delivering, until the session closes
        reply.acknowledge();
        return reply;
    }
}
