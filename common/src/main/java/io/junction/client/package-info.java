/**
 * How Junction's own producers talk to the bus: connection URLs tuned for failover, and sends that survive one by
 * retrying with a duplicate-detection id, so a retry never stores a message twice.
 */
package io.junction.client;
