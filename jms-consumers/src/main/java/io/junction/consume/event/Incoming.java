package io.junction.consume.event;

import java.time.Instant;

/**
 * An event as a poller or trap receiver published it ({@code docs/messages.md}): its tenant, site and device, its
 * type ({@code device-unreachable}, {@code interface-down}, {@code trap}, ...), the instance it is about (an ifIndex, a
 * trap's OID; empty for the device itself), its severity and when it happened.
 */
public record Incoming(String tenant, String site, String device, String type, String instance, String severity, Instant time) {
    public Incoming {
        instance = instance == null ? "" : instance;
    }
}
