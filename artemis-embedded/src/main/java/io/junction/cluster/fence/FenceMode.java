package io.junction.cluster.fence;

/**
 * What a {@link Fence} does with completions: passive (before an activation: no clients, nothing to fence, every
 * completion passes), active (completions alone wait for a proof), or stopping (from the start of a stop to the next
 * start: completions alone fail at once).
 */
enum FenceMode { PASSIVE, ACTIVE, STOPPING }
