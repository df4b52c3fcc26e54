/**
 * Configuration keys declared once (name, type, default, validator, documentation) and used for parsing,
 * validation, {@code --help} and the commented files in {@code etc/}.
 */
package io.junction.config;
