package io.junction.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.poll.sim.Simulator;
import io.junction.testing.FreePorts;
import org.junit.jupiter.api.Test;

/** {@code junction simulate}: its options are checked, and its commands change what they name and say what they did. */
class SimulateCommandTest {
    @Test
    void commandsChangeTheDevicesTheyNameAndRefuseWhatIsWrong() throws Exception {
        try (Simulator sim = Simulator.start(new Simulator.Settings(3, 2, "127.6.0.1", FreePorts.udp(), "public", "simulator", "sim-auth-pass",
                "sim-priv-pass", 300, null))) {
            assertEquals("ok: down 1 of 1 devices", SimulateCommand.command(sim, "down 2"));
            assertEquals("ok: down 0 of 1 devices", SimulateCommand.command(sim, "down 2"), "already down");
            assertEquals("ok: up 1 of 3 devices", SimulateCommand.command(sim, "up 1-3"));
            assertEquals("ok: ifdown 3 of 3 devices", SimulateCommand.command(sim, "ifdown 1-3 2"));
            assertEquals("error: devices 9 are not within 1 to 3", SimulateCommand.command(sim, "down 9"));
            assertEquals("error: ifdown needs an interface index", SimulateCommand.command(sim, "ifdown 1"));
            assertEquals("error: no interface 5: the interfaces are 1 to 2", SimulateCommand.command(sim, "ifup 1 5"));
            assertEquals("error: unknown command 'reboot' (help lists them)", SimulateCommand.command(sim, "reboot 1"));
            assertEquals("error: 'x' is not a device number or range (N or N-M)", SimulateCommand.command(sim, "down x"));
            assertTrue(SimulateCommand.command(sim, "status").startsWith("ok: 3 devices"));
        }
    }

    @Test
    void badOptionsAreOneLineUsageErrors() {
        CliRun none = CliRun.of("simulate", "--devices", "0");
        assertEquals(2, none.exitCode());
        assertTrue(none.errorLine().contains("'--devices'"), none.err());
        CliRun half = CliRun.of("simulate", "--devices", "2", "--tenant", "acme");
        assertEquals(2, half.exitCode());
        assertTrue(half.errorLine().contains("--tenant and --site go together"), half.err());
        CliRun wrap = CliRun.of("simulate", "--devices", "2", "--wrap", "5");
        assertEquals(2, wrap.exitCode());
        assertTrue(wrap.errorLine().contains("'--wrap'"), wrap.err());
    }
}
