/**
 * One Junction node: its validated configuration, the embedded Artemis broker it runs, its acceptors, journal
 * and first-start admin credentials.
 */
package io.junction.node;
