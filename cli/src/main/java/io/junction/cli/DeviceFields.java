package io.junction.cli;

import io.junction.inventory.DeviceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.json.JsonValue;
import picocli.CommandLine.Option;

/** The device fields a command line sets (shared by {@code device add} and {@code device update}), and the secrets read apart. */
final class DeviceFields {
    @Option(names = "--site", paramLabel = "SITE", description = "The site (collector location) the device is in.")
    String site;
    @Option(names = "--address", paramLabel = "ADDR", description = "Its IPv4 or IPv6 address or host name.")
    String address;
    @Option(names = "--port", paramLabel = "N", description = "Its SNMP port (default 161).")
    String port;
    @Option(names = "--snmp-version", paramLabel = "V", description = "1, 2c or 3 (default 2c).")
    String version;
    @Option(names = "--snmp-user", paramLabel = "USER", description = "SNMPv3 user.")
    String user;
    @Option(names = "--auth", paramLabel = "PROTO", description = "SNMPv3 authentication: none, MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512.")
    String auth;
    @Option(names = "--priv", paramLabel = "PROTO", description = "SNMPv3 privacy: none, DES, AES, AES-192, AES-256.")
    String priv;
    @Option(names = "--profiles", paramLabel = "LIST", description = "Poll profiles separated by ';' (default system;interfaces).")
    String profiles;
    @Option(names = "--interval", paramLabel = "DURATION", description = "How often it is polled (default 60s).")
    String interval;
    @Option(names = "--set", paramLabel = "FIELD=VALUE", description = "Any other field: timeout, retries, max-repetitions, oids-per-request, in-flight, bulk, engine-id (SNMPv3: the device's engine id in hex, which its traps must carry; empty: learnt).")
    List<String> other = new ArrayList<>();

    Map<String, String> map() {
        Map<String, String> f = new LinkedHashMap<>();
        put(f, "site", site);
        put(f, "address", address);
        put(f, "port", port);
        put(f, "version", version);
        put(f, "user", user);
        put(f, "auth", auth);
        put(f, "priv", priv);
        put(f, "profiles", profiles);
        put(f, "interval", interval);
        for (String kv : other) {
            int eq = kv.indexOf('=');
            String key = eq < 0 ? kv : kv.substring(0, eq);
            if (eq < 0 || !DeviceSpec.FIELDS.contains(key) || DeviceSpec.SECRETS.contains(key) || key.equals("name")) {
                throw CliFailure.usage("Invalid value '" + kv + "' for option '--set': expected FIELD=VALUE with a field of " + String.join(", ",
                        DeviceSpec.FIELDS.stream().filter(x -> !DeviceSpec.SECRETS.contains(x) && !x.equals("name")).toList()));
            }
            f.put(key, kv.substring(eq + 1));
        }
        return f;
    }

    private static void put(Map<String, String> f, String key, String value) {
        if (value != null) {
            f.put(key, value);
        }
    }

    /** Reads the secrets a device of {@code fields} needs, from the prompt or standard input, into {@code fields}. */
    static void readSecrets(Map<String, String> fields, String name) {
        List<String> needed = new ArrayList<>();
        if ("3".equals(fields.getOrDefault("version", "2c").replaceFirst("^v", ""))) {
            if (!"none".equalsIgnoreCase(fields.getOrDefault("auth", "none"))) {
                needed.add("auth-password");
            }
            if (!"none".equalsIgnoreCase(fields.getOrDefault("priv", "none"))) {
                needed.add("priv-password");
            }
        } else {
            needed.add("community");
        }
        List<String> values = SecretLines.read(needed.stream().map(s -> s + " of device " + name).toList());
        for (int i = 0; i < needed.size(); i++) {
            fields.put(needed.get(i), values.get(i));
        }
    }

    static Map<String, Object> shown(JsonObject d) {
        Map<String, Object> m = new LinkedHashMap<>();
        d.forEach((k, v) -> m.put(k, v.getValueType() == JsonValue.ValueType.STRING ? d.getString(k) : v.toString()));
        return m;
    }
}
