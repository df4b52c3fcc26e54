/**
 * The {@code junction} command line: one class per command, which parses, calls a module and renders a table or
 * JSON. No business logic lives here.
 */
package io.junction.cli;
