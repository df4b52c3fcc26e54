/**
 * A site's pollers sharing its devices through the bus: the work queue of scheduled poll messages, each device's
 * state carried from poll to poll, and the events its changes make.
 */
package io.junction.poll.site;
