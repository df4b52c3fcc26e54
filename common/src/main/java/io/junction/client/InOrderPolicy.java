package io.junction.client;

import org.apache.activemq.artemis.api.core.client.loadbalance.ConnectionLoadBalancingPolicy;

/**
 * Tries a URL's brokers in the order listed, from the first: Artemis's default starts from a random one. Used by
 * {@link BusConnection} when it opens a connection anew, so that the lost broker's backup comes first and the lost
 * broker last ({@link ClientUrls#preferring}).
 */
public final class InOrderPolicy implements ConnectionLoadBalancingPolicy {
    private int position = -1;

    @Override
    public int select(int max) {
        position = (position + 1) % max;
        return position;
    }
}
