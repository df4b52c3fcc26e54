package io.junction.security;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who created each temporary queue (a queue on an address named by a random UUID): only that user may send to it,
 * consume from it or delete it, so a tenant's admin who learns another admin's reply queue cannot read or forge the
 * answers. The brokers record creations and removals; the security manager reads them.
 */
public final class TemporaryQueueOwners {
    private final Map<String, String> owners = new ConcurrentHashMap<>();

    /** Records {@code user} as the owner of {@code address} unless another user owns it; whether {@code user} owns it now. */
    public boolean claim(String address, String user) {
        String previous = owners.putIfAbsent(address, user);
        return previous == null || previous.equals(user);
    }

    public Optional<String> owner(String address) {
        return Optional.ofNullable(owners.get(address));
    }

    public void release(String address) {
        owners.remove(address);
    }
}
