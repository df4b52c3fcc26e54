package io.junction.poll.site;

import io.junction.client.ClientUrls;
import io.junction.client.Credentials;
import io.junction.client.ManagementClient;
import io.junction.inventory.DeviceSpec;
import io.junction.poll.snmp.AuthProtocol;
import io.junction.poll.snmp.Device;
import io.junction.poll.snmp.PrivProtocol;
import io.junction.poll.snmp.SnmpSettings;
import io.junction.poll.snmp.SnmpVersion;
import jakarta.jms.JMSException;
import java.io.StringReader;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.json.JsonValue;
import org.apache.activemq.artemis.utils.JsonLoader;

/**
 * A site's devices as its pollers read them from the bus, with their secrets ({@code junction.inventory}
 * {@code siteDevices}, which only a poller of the tenant may call), as {@link Device}s by identity.
 */
public final class SiteInventory {
    private SiteInventory() {
    }

    /** Asks the bus at {@code login} for the devices of {@code site} of {@code tenant}. */
    public static Map<String, Device> fetch(Credentials login, String tenant, String site) throws JMSException {
        Map<String, Device> devices = new LinkedHashMap<>();
        for (Map<String, String> spec : specs(login, tenant, site).values()) {
            Device d = device(new DeviceSpec(tenant, spec));
            devices.put(d.identity(), d);
        }
        return devices;
    }

    /** The inventory entries of {@code site}'s devices, with their secrets, by identity. */
    static Map<String, Map<String, String>> specs(Credentials login, String tenant, String site) throws JMSException {
        try (Credentials.Open open = login.at(ClientUrls.quick(login.url())).connect();
             ManagementClient management = new ManagementClient(open.connection(), Duration.ofSeconds(15))) {
            Map<String, Map<String, String>> specs = new LinkedHashMap<>();
            for (JsonValue v : JsonLoader.readArray(new StringReader(management.text(ManagementClient.INVENTORY, "siteDevices", tenant, site)))) {
                JsonObject o = v.asJsonObject();
                Map<String, String> fields = new LinkedHashMap<>();
                o.forEach((k, value) -> fields.put(k, o.getString(k, value.toString())));
                specs.put(device(new DeviceSpec(tenant, fields)).identity(), fields);
            }
            return specs;
        }
    }

    /** The poller's view of an inventory entry. */
    public static Device device(DeviceSpec spec) {
        SnmpVersion version = SnmpVersion.parse(spec.get("version"));
        Duration timeout = Duration.ofMillis(DeviceSpec.millis(spec.get("timeout")));
        SnmpSettings snmp = new SnmpSettings(version, emptyToNull(spec.get("community")), emptyToNull(spec.get("user")),
                AuthProtocol.parse(spec.get("auth")), emptyToNull(spec.get("auth-password")), PrivProtocol.parse(spec.get("priv")),
                emptyToNull(spec.get("priv-password")), timeout, Integer.parseInt(spec.get("retries")), Integer.parseInt(spec.get("max-repetitions")),
                Integer.parseInt(spec.get("oids-per-request")), Integer.parseInt(spec.get("in-flight")), Boolean.parseBoolean(spec.get("bulk")),
                emptyToNull(spec.get("engine-id")));
        List<String> profiles = Arrays.asList(spec.get("profiles").split(";"));
        return new Device(spec.tenant(), spec.site(), spec.name(), spec.get("address"), Integer.parseInt(spec.get("port")), snmp, profiles,
                Duration.ofMillis(DeviceSpec.millis(spec.get("interval"))));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
