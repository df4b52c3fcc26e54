/**
 * Who may connect and what they may do: salted password hashes, the user store, and the Artemis security manager
 * that enforces them on every protocol.
 */
package io.junction.security;
