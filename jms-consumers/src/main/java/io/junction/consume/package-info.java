/**
 * Consumers of the bus: event manager, metric store and status view. This module arrives with the consumers issue.
 */
package io.junction.consume;
