/**
 * Operations on a whole cluster from outside it, for the {@code junction} tool and for tests: its health (every
 * broker and ZooKeeper member asked, {@link io.junction.cluster.ops.ClusterHealth}) and the repair of groups whose
 * activation sequence ZooKeeper lost ({@link io.junction.cluster.ops.GroupRecovery}).
 */
package io.junction.cluster.ops;
