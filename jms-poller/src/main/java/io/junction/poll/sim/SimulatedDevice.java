package io.junction.poll.sim;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * A simulated device's state: whether it answers, when it booted, which interfaces are down and when each last
 * changed. Changed by the simulator's commands, read by its receiving thread; its methods are synchronized.
 */
final class SimulatedDevice {
    private final int number;
    private final String name;
    private final String address;
    private boolean down;
    private long bootedAt;
    private final BitSet interfacesDown = new BitSet();
    private final Map<Integer, Long> lastChanges = new HashMap<>();

    SimulatedDevice(int number, String name, String address, long bootedAt) {
        this.number = number;
        this.name = name;
        this.address = address;
        this.bootedAt = bootedAt;
    }

    int number() {
        return number;
    }

    String name() {
        return name;
    }

    String address() {
        return address;
    }

    synchronized boolean down() {
        return down;
    }

    /** Stops or starts answering; returns whether this changed anything. */
    synchronized boolean setDown(boolean value) {
        boolean changed = down != value;
        down = value;
        return changed;
    }

    synchronized long bootedAt() {
        return bootedAt;
    }

    /** Boots again now: uptime and counters start from zero, every interface up. */
    synchronized void restart(long nowMs) {
        bootedAt = nowMs;
        interfacesDown.clear();
        lastChanges.clear();
    }

    synchronized boolean interfaceUp(int ifIndex) {
        return !interfacesDown.get(ifIndex);
    }

    /** Takes interface {@code ifIndex} down or up; returns whether this changed anything. */
    synchronized boolean setInterfaceUp(int ifIndex, boolean up, long nowMs) {
        if (interfaceUp(ifIndex) == up) {
            return false;
        }
        interfacesDown.set(ifIndex, !up);
        lastChanges.put(ifIndex, nowMs);
        return true;
    }

    synchronized long lastChange(int ifIndex) {
        return lastChanges.getOrDefault(ifIndex, bootedAt);
    }
}
