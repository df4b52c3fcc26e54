/**
 * SNMP polling published as JMS messages. Pollers are ordinary JMS clients; this module arrives with the pollers issue.
 */
package io.junction.poll;
