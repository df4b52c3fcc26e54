package io.junction.poll.sim;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.snmp4j.CommandResponderEvent;
import org.snmp4j.CommunityTarget;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.MessageException;
import org.snmp4j.PDU;
import org.snmp4j.TransportStateReference;
import org.snmp4j.asn1.BERInputStream;
import org.snmp4j.mp.MPv1;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.mp.StatusInformation;
import org.snmp4j.security.AuthSHA;
import org.snmp4j.security.PrivAES128;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityModels;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.VariableBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SNMP agents for many simulated devices in one process, each on an address of its own (Linux routes all of
 * 127.0.0.0/8 to loopback): one non-blocking UDP socket per device, all read by one thread, answered by one SNMP4J
 * message dispatcher (v1, v2c with the community, v3 with one user, authPriv SHA/AES; the devices share one engine
 * id). The MIB is {@link SimulatedMib}. Devices can be taken down (they stop answering) and up, restarted, and have
 * interfaces go down and up, which sends linkDown and linkUp traps (v2c) to the trap target when there is one.
 */
public final class Simulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Simulator.class);
    private static final OID LINK_DOWN = new OID("1.3.6.1.6.3.1.1.5.3");
    private static final OID LINK_UP = new OID("1.3.6.1.6.3.1.1.5.4");
    private static final OID COLD_START = new OID("1.3.6.1.6.3.1.1.5.1");
    private static final OID IF_INDEX = new OID("1.3.6.1.2.1.2.2.1.1");
    private static final OID IF_ADMIN_STATUS = new OID("1.3.6.1.2.1.2.2.1.7");
    private static final OID IF_OPER_STATUS = new OID("1.3.6.1.2.1.2.2.1.8");

    /**
     * What to simulate: {@code devices} devices of {@code interfaces} interfaces from {@code firstAddress} on, at
     * {@code port}; a 32-bit octet counter wraps every {@code wrapSeconds}; traps go to {@code trapTo} (host:port, or
     * null for none).
     */
    public record Settings(int devices, int interfaces, String firstAddress, int port, String community, String v3User, String authPassword,
                           String privPassword, long wrapSeconds, String trapTo) {
    }

    private final Settings settings;
    private final SimulatedMib mib;
    private final List<SimulatedDevice> devices = new ArrayList<>();
    private final List<DeviceTransport> transports = new ArrayList<>();
    private final MessageDispatcherImpl dispatcher = new MessageDispatcherImpl();
    private final Selector selector;
    private final Thread thread;
    private final UdpAddress trapTarget;
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong unanswered = new AtomicLong();
    private volatile boolean running = true;

    private Simulator(Settings settings) throws IOException {
        this.settings = settings;
        this.mib = new SimulatedMib(settings.interfaces(), settings.wrapSeconds());
        this.trapTarget = settings.trapTo() == null ? null : new UdpAddress(settings.trapTo().replace(':', '/'));
        SecurityProtocols protocols = new SecurityProtocols(SecurityProtocols.SecurityProtocolSet.maxCompatibility);
        OctetString engine = new OctetString(MPv3.createLocalEngineID(new OctetString("junction-sim")));
        USM usm = new USM(protocols, engine, 0);
        usm.addUser(new UsmUser(new OctetString(settings.v3User()), AuthSHA.ID, new OctetString(settings.authPassword()), PrivAES128.ID,
                new OctetString(settings.privPassword())));
        SecurityModels models = new SecurityModels();
        models.addSecurityModel(usm);
        dispatcher.addMessageProcessingModel(new MPv1());
        dispatcher.addMessageProcessingModel(new MPv2c());
        dispatcher.addMessageProcessingModel(new MPv3(engine.getValue(), null, protocols, models, new org.snmp4j.mp.CounterSupport()));
        dispatcher.addCommandResponder(this::respond);
        selector = Selector.open();
        thread = new Thread(this::receive, "junction-simulator");
    }

    /** Binds every device's socket and starts answering; throws naming the address that cannot be bound. */
    public static Simulator start(Settings s) throws IOException {
        Simulator sim = new Simulator(s);
        try {
            byte[] first = InetAddress.getByName(s.firstAddress()).getAddress();
            long base = ((first[0] & 0xffL) << 24) | ((first[1] & 0xffL) << 16) | ((first[2] & 0xffL) << 8) | (first[3] & 0xffL);
            long now = System.currentTimeMillis();
            for (int n = 1; n <= s.devices(); n++) {
                long a = base + n - 1;
                String address = ((a >> 24) & 0xff) + "." + ((a >> 16) & 0xff) + "." + ((a >> 8) & 0xff) + "." + (a & 0xff);
                SimulatedDevice d = new SimulatedDevice(n, String.format("sim-%05d", n), address, now);
                DatagramChannel channel = DatagramChannel.open();
                try {
                    channel.bind(new InetSocketAddress(InetAddress.getByName(address), s.port()));
                } catch (IOException e) {
                    channel.close();
                    throw new IOException("cannot bind UDP " + address + ":" + s.port() + ": " + e.getMessage(), e);
                }
                channel.configureBlocking(false);
                DeviceTransport t = new DeviceTransport(d, channel);
                channel.register(sim.selector, SelectionKey.OP_READ, t);
                sim.devices.add(d);
                sim.transports.add(t);
            }
        } catch (IOException | RuntimeException e) {
            sim.close();
            throw e;
        }
        sim.thread.start();
        return sim;
    }

    public int size() {
        return devices.size();
    }

    /** Requests answered so far. */
    public long answered() {
        return answered.get();
    }

    /** Requests not answered: to a device that is down, with a wrong community, or refused by USM. */
    public long unanswered() {
        return unanswered.get();
    }

    /** The address of device {@code n} (1 to size). */
    public String address(int n) {
        return device(n).address();
    }

    /** The name of device {@code n}: {@code sim-00001} and on. */
    public String name(int n) {
        return device(n).name();
    }

    private SimulatedDevice device(int n) {
        if (n < 1 || n > devices.size()) {
            throw new IllegalArgumentException("no device " + n + ": the devices are 1 to " + devices.size());
        }
        return devices.get(n - 1);
    }

    /** Device {@code n} stops answering (as if unplugged) or answers again. Returns whether it changed. */
    public boolean setDown(int n, boolean down) {
        return device(n).setDown(down);
    }

    /** Device {@code n} boots again: uptime and counters from zero, every interface up; a coldStart trap. */
    public void restart(int n) {
        SimulatedDevice d = device(n);
        d.restart(System.currentTimeMillis());
        trap(n, COLD_START);
    }

    /** Takes interface {@code ifIndex} of device {@code n} down or up, with a linkDown or linkUp trap. Returns whether it changed. */
    public boolean setInterfaceUp(int n, int ifIndex, boolean up) {
        if (ifIndex < 1 || ifIndex > mib.interfaces()) {
            throw new IllegalArgumentException("no interface " + ifIndex + ": the interfaces are 1 to " + mib.interfaces());
        }
        boolean changed = device(n).setInterfaceUp(ifIndex, up, System.currentTimeMillis());
        if (changed) {
            trap(n, up ? LINK_UP : LINK_DOWN, new VariableBinding(new OID(IF_INDEX).append(ifIndex), new Integer32(ifIndex)),
                    new VariableBinding(new OID(IF_ADMIN_STATUS).append(ifIndex), new Integer32(1)),
                    new VariableBinding(new OID(IF_OPER_STATUS).append(ifIndex), new Integer32(up ? 1 : 2)));
        }
        return changed;
    }

    /** Sends an SNMPv2c trap {@code oid} from device {@code n}'s address to the trap target, if there is one. */
    public void trap(int n, OID oid, VariableBinding... bindings) {
        if (trapTarget == null) {
            return;
        }
        SimulatedDevice d = device(n);
        PDU pdu = new PDU();
        pdu.setType(PDU.TRAP);
        pdu.add(new VariableBinding(SnmpConstants.sysUpTime, new TimeTicks((System.currentTimeMillis() - d.bootedAt()) / 10)));
        pdu.add(new VariableBinding(SnmpConstants.snmpTrapOID, oid));
        for (VariableBinding vb : bindings) {
            pdu.add(vb);
        }
        CommunityTarget<UdpAddress> target = new CommunityTarget<>(trapTarget, new OctetString(settings.community()));
        target.setVersion(SnmpConstants.version2c);
        try {
            dispatcher.sendPdu(transports.get(n - 1), target, pdu, false);
        } catch (MessageException e) {
            LOG.warn("Simulator: cannot send a trap from {}: {}", d.address(), e.getMessage());
        }
    }

    private void receive() {
        ByteBuffer buffer = ByteBuffer.allocate(65_535);
        while (running) {
            try {
                selector.select(200);
                for (SelectionKey key : selector.selectedKeys()) {
                    DeviceTransport t = (DeviceTransport) key.attachment();
                    java.net.SocketAddress from;
                    while ((from = t.channel().receive(buffer.clear())) != null) {
                        if (t.device().down()) {
                            unanswered.incrementAndGet();
                            continue;
                        }
                        buffer.flip();
                        ByteBuffer message = ByteBuffer.allocate(buffer.remaining()).put(buffer).flip();
                        InetSocketAddress peer = (InetSocketAddress) from;
                        UdpAddress address = new UdpAddress(peer.getAddress(), peer.getPort());
                        dispatcher.processMessage(t, address, new BERInputStream(message),
                                new TransportStateReference(t, address, null, SecurityLevel.undefined, SecurityLevel.undefined, false, null));
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                if (running) {
                    LOG.warn("Simulator: {}", e.toString());
                }
            }
        }
    }

    private void respond(CommandResponderEvent<?> e) {
        PDU request = e.getPDU();
        if (request == null || !(e.getTransportMapping() instanceof DeviceTransport t)) {
            return;
        }
        e.setProcessed(true);
        if (e.getMessageProcessingModel() != MPv3.ID && !new OctetString(e.getSecurityName()).toString().equals(settings.community())) {
            unanswered.incrementAndGet();
            return;
        }
        PDU response = SimulatedAnswers.answer(mib, t.device(), request, e.getMaxSizeResponsePDU(), System.currentTimeMillis());
        if (response == null) {
            return;
        }
        try {
            e.getMessageDispatcher().returnResponsePdu(e.getMessageProcessingModel(), e.getSecurityModel(), e.getSecurityName(), e.getSecurityLevel(),
                    response, e.getMaxSizeResponsePDU(), e.getStateReference(), new StatusInformation());
            answered.incrementAndGet();
        } catch (MessageException ex) {
            LOG.debug("Simulator: cannot answer {}: {}", t.device().address(), ex.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread.isAlive()) {
            selector.wakeup();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (DeviceTransport t : transports) {
            try {
                t.close();
            } catch (IOException e) {
                LOG.debug("closing", e);
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing", e);
        }
    }
}
