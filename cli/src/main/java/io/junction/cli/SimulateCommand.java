package io.junction.cli;

import io.junction.config.Durations;
import io.junction.inventory.DeviceCsv;
import io.junction.inventory.DeviceSpec;
import io.junction.poll.sim.Simulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.snmp4j.smi.OID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "simulate", mixinStandardHelpOptions = true, header = "Simulate SNMP devices, for tests, demos and benchmarks.",
        description = {"Runs SNMP agents for N devices in this process, each on an address of its own (127.1.0.1, 127.1.0.2, ...: Linux routes",
                "all of 127.0.0.0/8 to loopback), answering SNMPv1 and v2c with the community and SNMPv3 with one user (authPriv, SHA",
                "and AES; passwords from JUNCTION_SIM_AUTH_PASSWORD and JUNCTION_SIM_PRIV_PASSWORD): system, IF-MIB (ifTable, ifXTable) and",
                "HOST-RESOURCES storage and processors, with counters that move (a 32-bit octet counter wraps every --wrap).",
                "With --tenant and --site the devices are also added to that site's inventory (as the admin the options name).",
                "Commands on standard input while it runs: down N[-M], up N[-M], restart N[-M], ifdown N[-M] IF, ifup N[-M] IF,",
                "trap N[-M] OID, status, quit. Interface changes and restarts send traps to --trap-to."},
        footer = {"", "Examples:", "  junction simulate --devices 1000 --interfaces 20 --port 1161 --trap-to 127.0.0.1:1162",
                "  junction simulate --devices 100 --port 1161 --tenant acme --site lab --interval 60s"})
final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--devices", required = true, paramLabel = "N", description = "How many devices (1 to 60000).")
    int count;

    @Option(names = "--interfaces", paramLabel = "K", defaultValue = "20", description = "Interfaces per device (default 20).")
    int interfaces;

    @Option(names = "--address", paramLabel = "ADDR", defaultValue = "127.1.0.1", description = "The first device's address (default 127.1.0.1).")
    String address;

    @Option(names = "--port", paramLabel = "P", defaultValue = "1161", description = "The UDP port every device answers on (default 1161).")
    int port;

    @Option(names = "--community", paramLabel = "C", defaultValue = "public", description = "The SNMPv1/v2c community (default public).")
    String community;

    @Option(names = "--v3-user", paramLabel = "USER", defaultValue = "simulator", description = "The SNMPv3 user (default simulator).")
    String v3User;

    @Option(names = "--wrap", paramLabel = "DURATION", defaultValue = "300s", description = "How often a 32-bit octet counter wraps (default 300s).")
    String wrap;

    @Option(names = "--trap-to", paramLabel = "HOST:PORT", description = "Where traps go (linkDown, linkUp, coldStart, and the trap command).")
    String trapTo;

    @Option(names = "--tenant", paramLabel = "ID", description = "Add the devices to this tenant's inventory (with --site).")
    String tenant;

    @Option(names = "--site", paramLabel = "SITE", description = "The site the devices are added to.")
    String site;

    @Option(names = "--snmp-version", paramLabel = "V", defaultValue = "2c", description = "What the inventory polls them with: 1, 2c or 3 (default 2c).")
    String version;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "60s", description = "Their poll interval in the inventory (default 60s).")
    String interval;

    @Option(names = "--profiles", paramLabel = "LIST", defaultValue = "system;interfaces", description = "Their profiles (default system;interfaces).")
    String profiles;

    @Mixin
    ClientOptions client;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (count < 1 || count > 60_000) {
            throw CliFailure.usage("Invalid value " + count + " for option '--devices': between 1 and 60000");
        }
        if (interfaces < 1 || interfaces > 1000) {
            throw CliFailure.usage("Invalid value " + interfaces + " for option '--interfaces': between 1 and 1000");
        }
        if ((tenant == null) != (site == null)) {
            throw CliFailure.usage("--tenant and --site go together: the site of the tenant the devices are added to");
        }
        long wrapSeconds;
        try {
            wrapSeconds = Durations.parse(wrap).toSeconds();
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage("Invalid value " + wrap + " for option '--wrap': " + e.getMessage());
        }
        if (wrapSeconds < 1) {
            throw CliFailure.usage("Invalid value " + wrap + " for option '--wrap': at least 1s");
        }
        String auth = env("JUNCTION_SIM_AUTH_PASSWORD", "sim-auth-pass");
        String priv = env("JUNCTION_SIM_PRIV_PASSWORD", "sim-priv-pass");
        Simulator sim;
        try {
            sim = Simulator.start(new Simulator.Settings(count, interfaces, address, port, community, v3User, auth, priv, wrapSeconds, trapTo));
        } catch (IOException e) {
            throw CliFailure.failure("Cannot simulate " + count + " devices from " + address + ": " + e.getMessage()
                    + (port < 1024 ? " (ports below 1024 need root)" : ""));
        }
        try {
            if (tenant != null) {
                addToInventory(sim, auth, priv);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("Simulating " + count + " devices of " + interfaces + " interfaces at " + sim.address(1) + " to " + sim.address(count) + " port "
                    + port + (tenant == null ? "" : ", added to site " + site + " of tenant " + tenant) + ". Commands on standard input "
                    + "(help); Ctrl-C to stop.");
            out.flush();
            console(sim, out);
        } finally {
            sim.close();
        }
        return 0;
    }

    private static String env(String name, String otherwise) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? otherwise : v;
    }

    /** Imports the devices into the site, a thousand at a time (each import is all or nothing). */
    private void addToInventory(Simulator sim, String auth, String priv) {
        String checkedTenant = TenantCommand.checkId(tenant);
        boolean v3 = version.replaceFirst("^v", "").equals("3");
        List<DeviceSpec> batch = new ArrayList<>();
        for (int n = 1; n <= sim.size(); n++) {
            Map<String, String> f = new LinkedHashMap<>();
            f.put("name", sim.name(n));
            f.put("site", site);
            f.put("address", sim.address(n));
            f.put("port", String.valueOf(port));
            f.put("version", version);
            if (v3) {
                f.put("user", v3User);
                f.put("auth", "SHA");
                f.put("auth-password", auth);
                f.put("priv", "AES");
                f.put("priv-password", priv);
            } else {
                f.put("community", community);
            }
            f.put("profiles", profiles);
            f.put("interval", interval);
            try {
                batch.add(new DeviceSpec(checkedTenant, f));
            } catch (IllegalArgumentException e) {
                throw CliFailure.usage(e.getMessage());
            }
            if (batch.size() == 1000 || n == sim.size()) {
                DeviceCommand.inventory(client, "importDevices", checkedTenant, DeviceCsv.write(batch, true));
                batch.clear();
            }
        }
    }

    /** Reads commands until quit, or waits for Ctrl-C once standard input has ended. */
    private void console(Simulator sim, PrintWriter out) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(stopped::countDown, "junction-simulator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.strip().equals("quit")) {
                    return;
                }
                out.println(command(sim, line.strip()));
                out.flush();
            }
        } catch (IOException e) {
            // no more commands: run until stopped
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "junction-simulator-shutdown"));
        stopped.await();
    }

    /** One command's answer: {@code ok: ...} or {@code error: ...}. */
    static String command(Simulator sim, String line) {
        String[] w = line.split("\\s+");
        try {
            switch (w[0]) {
                case "", "help" -> {
                    return "commands: down N[-M] | up N[-M] | restart N[-M] | ifdown N[-M] IF | ifup N[-M] IF | trap N[-M] OID | status | quit";
                }
                case "status" -> {
                    return "ok: " + sim.size() + " devices, " + sim.answered() + " requests answered, " + sim.unanswered() + " not answered";
                }
                default -> {
                    int[] range = range(w.length > 1 ? w[1] : "", sim.size());
                    int changed = 0;
                    for (int n = range[0]; n <= range[1]; n++) {
                        changed += apply(sim, w, n) ? 1 : 0;
                    }
                    return "ok: " + w[0] + " " + changed + " of " + (range[1] - range[0] + 1) + " devices";
                }
            }
        } catch (IllegalArgumentException e) {
            return "error: " + e.getMessage();
        }
    }

    private static boolean apply(Simulator sim, String[] w, int n) {
        return switch (w[0]) {
            case "down" -> sim.setDown(n, true);
            case "up" -> sim.setDown(n, false);
            case "restart" -> {
                sim.restart(n);
                yield true;
            }
            case "ifdown", "ifup" -> sim.setInterfaceUp(n, Integer.parseInt(arg(w, "an interface index")), w[0].equals("ifup"));
            case "trap" -> {
                sim.trap(n, new OID(arg(w, "a trap OID")));
                yield true;
            }
            default -> throw new IllegalArgumentException("unknown command '" + w[0] + "' (help lists them)");
        };
    }

    private static String arg(String[] w, String what) {
        if (w.length < 3) {
            throw new IllegalArgumentException(w[0] + " needs " + what);
        }
        return w[2];
    }

    private static int[] range(String text, int size) {
        try {
            String[] parts = text.split("-", 2);
            int from = Integer.parseInt(parts[0]);
            int to = parts.length > 1 ? Integer.parseInt(parts[1]) : from;
            if (from < 1 || to > size || from > to) {
                throw new IllegalArgumentException("devices " + text + " are not within 1 to " + size);
            }
            return new int[] {from, to};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a device number or range (N or N-M)");
        }
    }
}
