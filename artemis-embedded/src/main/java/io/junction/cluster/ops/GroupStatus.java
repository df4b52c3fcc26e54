package io.junction.cluster.ops;

/** A group's health as {@code junction cluster status} shows it. */
public enum GroupStatus {
    /** Its active broker's backup is in sync: two copies. */
    REPLICATED,
    /** One copy only: the other broker is down or still synchronising. */
    UNPROTECTED,
    /** No broker serves it. */
    DOWN,
    /** None answered as active and one did not answer in time. */
    UNKNOWN,
    /** Both brokers say they are active: must never happen. */
    SPLIT
}
