/**
 * Replication across nodes: the embedded ZooKeeper member, and the primary/backup group settings that hand
 * activation to Artemis's ZooKeeper lock manager instead of quorum voting.
 */
package io.junction.cluster;
