package io.junction.security;

import java.util.Locale;

/**
 * What one tenant may hold and do, applied to every address under {@code tenant.ID.}.
 *
 * @param maxMemory bytes the tenant's addresses hold in memory, all together; then messages are paged to disk
 *        ({@link Full#REFUSE}) or producers are blocked (one address at that size) or refused ({@link Full#BLOCK}); the
 *        tenants' sum must fit in three quarters of a broker's global memory
 * @param maxDisk bytes the tenant's queues may hold, all together (in memory, paged, large and retained messages),
 *        before its producers are refused
 * @param onFull what happens to a producer once the tenant is full
 * @param maxConnections connections one user of the tenant may hold open at once
 * @param maxQueues queues one user of the tenant may create
 * @param maxDeliveries delivery attempts before a message goes to the tenant's dead-letter address
 * @param maxUsers users the tenant may have (its admins add them)
 * @param maxDevices devices the tenant's inventory may hold: the inventory is stored once for the whole cluster, so
 *        no tenant may fill that store for the others
 */
public record TenantLimits(long maxMemory, long maxDisk, Full onFull, int maxConnections, int maxQueues, int maxDeliveries, int maxUsers,
                           int maxDevices) {
    public static final TenantLimits DEFAULTS = new TenantLimits(8L << 20, 1L << 30, Full.REFUSE, 100, 100, 10, 100, 1000);
    /** The most devices any tenant may be given: {@link #maxDevices} bounds what the cluster stores for one tenant. */
    public static final int MAX_DEVICES = 20_000;

    /** What a producer of a full tenant meets. */
    public enum Full {
        /** Messages beyond {@code maxMemory} are paged to disk; once {@code maxDisk} of them is paged, sends fail. */
        REFUSE,
        /** Producers wait (flow control) once {@code maxMemory} is held; nothing is paged. */
        BLOCK;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Full parse(String text) {
            for (Full f : values()) {
                if (f.word().equals(text)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("Invalid on-full policy '" + text + "': use refuse or block");
        }
    }

    public TenantLimits {
        positive("max-memory", maxMemory, 1L << 20);
        positive("max-disk", maxDisk, 1L << 20);
        positive("max-connections", maxConnections, 1);
        positive("max-queues", maxQueues, 1);
        positive("max-deliveries", maxDeliveries, 1);
        positive("max-users", maxUsers, 1);
        positive("max-devices", maxDevices, 0);
        if (maxDevices > MAX_DEVICES) {
            throw new IllegalArgumentException("Invalid max-devices " + maxDevices + ": at most " + MAX_DEVICES);
        }
        if (onFull == null) {
            throw new IllegalArgumentException("Invalid on-full policy: use refuse or block");
        }
    }

    /** The limit keys, as the CLI's options and the stored form name them. */
    public static final java.util.List<String> KEYS = java.util.List.of("max-memory", "max-disk", "on-full", "max-connections", "max-queues",
            "max-deliveries", "max-users", "max-devices");

    /** These limits with {@code key} set from its text form (sizes such as 64MiB, numbers, refuse or block). */
    public TenantLimits with(String key, String value) {
        String v = value == null ? "" : value.trim();
        try {
            return switch (key) {
                case "max-memory" -> new TenantLimits(io.junction.config.Sizes.parse(v), maxDisk, onFull, maxConnections, maxQueues, maxDeliveries, maxUsers, maxDevices);
                case "max-disk" -> new TenantLimits(maxMemory, io.junction.config.Sizes.parse(v), onFull, maxConnections, maxQueues, maxDeliveries, maxUsers, maxDevices);
                case "on-full" -> new TenantLimits(maxMemory, maxDisk, Full.parse(v), maxConnections, maxQueues, maxDeliveries, maxUsers, maxDevices);
                case "max-connections" -> new TenantLimits(maxMemory, maxDisk, onFull, Integer.parseInt(v), maxQueues, maxDeliveries, maxUsers, maxDevices);
                case "max-queues" -> new TenantLimits(maxMemory, maxDisk, onFull, maxConnections, Integer.parseInt(v), maxDeliveries, maxUsers, maxDevices);
                case "max-deliveries" -> new TenantLimits(maxMemory, maxDisk, onFull, maxConnections, maxQueues, Integer.parseInt(v), maxUsers, maxDevices);
                case "max-users" -> new TenantLimits(maxMemory, maxDisk, onFull, maxConnections, maxQueues, maxDeliveries, Integer.parseInt(v), maxDevices);
                case "max-devices" -> new TenantLimits(maxMemory, maxDisk, onFull, maxConnections, maxQueues, maxDeliveries, maxUsers, Integer.parseInt(v));
                default -> throw new IllegalArgumentException("Unknown tenant limit '" + key + "': use one of " + String.join(", ", KEYS));
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid " + key + " '" + value + "': expected a whole number");
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && (e.getMessage().startsWith("Invalid") || e.getMessage().startsWith("Unknown"))) {
                throw e;
            }
            throw new IllegalArgumentException("Invalid " + key + " '" + value + "': " + e.getMessage());
        }
    }

    /** These limits with every {@code key=value} of a comma-separated list applied, in order. */
    public TenantLimits with(String assignments) {
        TenantLimits result = this;
        for (String a : assignments == null ? new String[0] : assignments.split(",")) {
            if (a.isBlank()) {
                continue;
            }
            int eq = a.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("Invalid tenant limit '" + a.trim() + "': expected key=value");
            }
            result = result.with(a.substring(0, eq).trim(), a.substring(eq + 1));
        }
        return result;
    }

    private static void positive(String key, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException("Invalid " + key + " " + value + ": must be at least " + min);
        }
    }
}
