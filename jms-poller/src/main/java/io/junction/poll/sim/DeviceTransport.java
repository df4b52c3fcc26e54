package io.junction.poll.sim;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import org.snmp4j.TransportStateReference;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.transport.AbstractTransportMapping;

/**
 * A simulated device's UDP socket as SNMP4J sees a transport: what the dispatcher sends through it (answers, traps)
 * leaves from the device's own address. It has no thread: the simulator reads every device's socket on one.
 */
final class DeviceTransport extends AbstractTransportMapping<UdpAddress> {
    private final SimulatedDevice device;
    private final DatagramChannel channel;
    private final UdpAddress listen;

    DeviceTransport(SimulatedDevice device, DatagramChannel channel) throws IOException {
        this.device = device;
        this.channel = channel;
        InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
        this.listen = new UdpAddress(local.getAddress(), local.getPort());
    }

    SimulatedDevice device() {
        return device;
    }

    DatagramChannel channel() {
        return channel;
    }

    @Override
    public Class<? extends Address> getSupportedAddressClass() {
        return UdpAddress.class;
    }

    @Override
    public void sendMessage(UdpAddress address, byte[] message, TransportStateReference tmStateReference, long timeoutMillis, int maxRetries)
            throws IOException {
        // a full socket buffer drops the datagram, as UDP does
        channel.send(ByteBuffer.wrap(message), new InetSocketAddress(address.getInetAddress(), address.getPort()));
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public void listen() {
        // read by the simulator's thread
    }

    @Override
    public boolean isListening() {
        return channel.isOpen();
    }

    @Override
    public UdpAddress getListenAddress() {
        return listen;
    }
}
