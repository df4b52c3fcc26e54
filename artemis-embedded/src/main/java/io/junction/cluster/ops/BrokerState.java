package io.junction.cluster.ops;

import java.util.Locale;

/** One broker as seen from outside; shown in lower case ({@link #toString}). */
public enum BrokerState {
    /** It serves its group. */
    ACTIVE,
    /** Its node is up but it does not listen: a backup waiting or copying, or a primary failed over. */
    PASSIVE,
    /** Its node is down. */
    DOWN,
    /** It did not answer in time (a busy machine): not taken for passive. */
    UNREACHABLE;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
