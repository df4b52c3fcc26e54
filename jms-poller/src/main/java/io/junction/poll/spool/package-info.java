/**
 * Store and forward: what a poller found while the bus was unreachable, kept on local disk (bounded by age and size,
 * the oldest dropped and counted) and forwarded in order, with the original times, once the bus is back.
 */
package io.junction.poll.spool;
