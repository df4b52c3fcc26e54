package io.junction.cluster.fence;

/** One test of a broker's right to acknowledge alone: true only if it is still its group's active broker. */
interface Proof {
    boolean prove() throws InterruptedException;

    /** Why the last proof failed, in a few words. */
    default String why() {
        return "unknown";
    }

    /** Periodic upkeep while the broker is active (see {@link Fence#maintain()}). */
    default void maintain() {
    }

    /** Whether the last proof failed only because a backup is still copying the journal (its copy will prove). */
    default boolean waitsForACopy() {
        return false;
    }
}
