package io.junction.inventory;

import io.junction.client.TenantAddresses;
import io.junction.config.Durations;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A device of the inventory, as fields of text: what {@code junction device add} takes, the broker stores and a poller
 * polls. Checked when made, so a bad field is refused where it was written, with the field named. Its identity is
 * tenant, site, address and port (customers of one service reuse private ranges); its name is unique in its tenant.
 * The community and passwords are secrets: {@link #fields(boolean)} leaves them out unless asked, and
 * {@link #toString} never shows them.
 */
public record DeviceSpec(String tenant, Map<String, String> fields) {
    /** Every field, in the order of the CSV form; the first four are required, the others have defaults. */
    public static final List<String> FIELDS = List.of("name", "site", "address", "port", "version", "community", "user", "auth", "auth-password",
            "priv", "priv-password", "profiles", "interval", "timeout", "retries", "max-repetitions", "oids-per-request", "in-flight", "bulk",
            "engine-id");
    /** The fields that hold secrets. */
    public static final Set<String> SECRETS = Set.of("community", "auth-password", "priv-password");
    /** What a secret field shows in output: it is set, and what it is stays unsaid. */
    public static final String HIDDEN = "***";

    private static final Map<String, String> DEFAULTS = defaults();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern SITE = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:-]{0,252}");
    private static final Pattern ENGINE_ID = Pattern.compile("[0-9a-f]{10,64}");
    private static final Pattern PROFILE = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
    private static final Set<String> AUTH = Set.of("none", "MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512");
    private static final Set<String> PRIV = Set.of("none", "DES", "AES", "AES-128", "AES-192", "AES-256");

    public DeviceSpec {
        TenantAddresses.checkId(tenant);
        Map<String, String> all = new LinkedHashMap<>();
        for (String f : FIELDS) {
            String v = fields.get(f);
            all.put(f, v == null || v.isBlank() ? DEFAULTS.getOrDefault(f, "") : v.trim());
        }
        for (String given : fields.keySet()) {
            if (!FIELDS.contains(given)) {
                throw new IllegalArgumentException("Unknown device field '" + given + "': the fields are " + String.join(", ", FIELDS));
            }
        }
        check(all);
        fields = java.util.Collections.unmodifiableMap(all);
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("port", "161");
        d.put("version", "2c");
        d.put("auth", "none");
        d.put("priv", "none");
        d.put("profiles", "system;interfaces");
        d.put("interval", "60s");
        d.put("timeout", "3s");
        d.put("retries", "1");
        d.put("max-repetitions", "10");
        d.put("oids-per-request", "10");
        d.put("in-flight", "1");
        d.put("bulk", "true");
        return d;
    }

    private static void check(Map<String, String> f) {
        require(f, "name", NAME.matcher(f.get("name")).matches(), "1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        require(f, "site", SITE.matcher(f.get("site")).matches(), "1 to 32 lowercase letters, digits and '-'");
        require(f, "address", ADDRESS.matcher(f.get("address")).matches(), "an IPv4 or IPv6 address or a host name");
        require(f, "port", between(f.get("port"), 1, 65535), "a port between 1 and 65535");
        String version = f.get("version").toLowerCase(Locale.ROOT).replaceFirst("^v", "");
        require(f, "version", Set.of("1", "2c", "3").contains(version), "1, 2c or 3");
        f.put("version", version);
        f.put("auth", canonical(f, "auth", AUTH));
        f.put("priv", canonical(f, "priv", PRIV));
        if (version.equals("3")) {
            require(f, "user", !f.get("user").isEmpty() && f.get("user").length() <= 32, "SNMPv3 needs a user name of 1 to 32 characters");
            require(f, "community", f.get("community").isEmpty(), "SNMPv3 has no community; leave it empty");
            boolean auth = !f.get("auth").equals("none");
            boolean priv = !f.get("priv").equals("none");
            require(f, "auth-password", !auth || f.get("auth-password").length() >= 8, "at least 8 characters (RFC 3414)");
            require(f, "auth-password", auth || f.get("auth-password").isEmpty(), "set without auth");
            require(f, "priv", !priv || auth, "privacy needs authentication (set auth)");
            require(f, "priv-password", !priv || f.get("priv-password").length() >= 8, "at least 8 characters (RFC 3414)");
            require(f, "priv-password", priv || f.get("priv-password").isEmpty(), "set without priv");
            String engine = f.get("engine-id").toLowerCase(Locale.ROOT).replaceFirst("^0x", "").replace(":", "");
            require(f, "engine-id", engine.isEmpty() || (ENGINE_ID.matcher(engine).matches() && engine.length() % 2 == 0),
                    "the device's SNMPv3 engine id in hex, 5 to 32 octets (e.g. 0x80001f8880aabbccdd01), or empty to learn it");
            f.put("engine-id", engine);
        } else {
            require(f, "community", !f.get("community").isEmpty(), "SNMPv" + version + " needs a community");
            for (String v3 : List.of("user", "auth-password", "priv-password", "engine-id")) {
                require(f, v3, f.get(v3).isEmpty(), "only for SNMPv3");
            }
            require(f, "auth", f.get("auth").equals("none"), "only for SNMPv3");
            require(f, "priv", f.get("priv").equals("none"), "only for SNMPv3");
        }
        List<String> profiles = Arrays.stream(f.get("profiles").split("[;\\s]+")).filter(p -> !p.isEmpty()).toList();
        require(f, "profiles", !profiles.isEmpty() && profiles.stream().allMatch(p -> PROFILE.matcher(p).matches()),
                "profile names separated by ';' (e.g. system;interfaces)");
        f.put("profiles", String.join(";", profiles));
        long intervalMs = millis(f.get("interval"));
        require(f, "interval", intervalMs >= 1_000 && intervalMs <= 86_400_000, "between 1s and 24h (e.g. 60s, 5m)");
        long timeoutMs = millis(f.get("timeout"));
        require(f, "timeout", timeoutMs >= 100 && timeoutMs <= 60_000, "between 100ms and 60s");
        require(f, "retries", between(f.get("retries"), 0, 10), "0 to 10");
        require(f, "max-repetitions", between(f.get("max-repetitions"), 1, 100), "1 to 100 (10 is safe; 25 and 50 make real agents answer tooBig)");
        require(f, "oids-per-request", between(f.get("oids-per-request"), 1, 100), "1 to 100");
        require(f, "in-flight", between(f.get("in-flight"), 1, 16), "1 to 16");
        String bulk = f.get("bulk").toLowerCase(Locale.ROOT);
        require(f, "bulk", bulk.equals("true") || bulk.equals("false"), "true or false");
        f.put("bulk", bulk);
    }

    private static String canonical(Map<String, String> f, String field, Set<String> allowed) {
        String v = f.get(field);
        for (String a : allowed) {
            if (a.equalsIgnoreCase(v) || a.replace("-", "").equalsIgnoreCase(v.replace("-", ""))) {
                return a;
            }
        }
        throw invalid(f, field, "one of " + String.join(", ", allowed));
    }

    private static void require(Map<String, String> f, String field, boolean ok, String expected) {
        if (!ok) {
            throw invalid(f, field, expected);
        }
    }

    private static IllegalArgumentException invalid(Map<String, String> f, String field, String expected) {
        String value = SECRETS.contains(field) && !f.get(field).isEmpty() ? HIDDEN : f.get(field);
        return new IllegalArgumentException("Invalid " + field + " '" + value + "' for device '" + f.get("name") + "': expected " + expected);
    }

    private static boolean between(String v, int low, int high) {
        try {
            int n = Integer.parseInt(v);
            return n >= low && n <= high;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Milliseconds of a duration with its unit ({@code 500ms}, {@code 3s}, {@code 5m}, {@code 1h}: {@link Durations}); -1 if unreadable. */
    public static long millis(String v) {
        try {
            return Durations.parse(v).toMillis();
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    /** The fields whose values differ from their defaults (the name always): the compact stored form. */
    public static Map<String, String> defaultsOmitted(DeviceSpec d) {
        Map<String, String> out = new LinkedHashMap<>();
        d.fields.forEach((k, v) -> {
            if (k.equals("name") || !v.equals(DEFAULTS.getOrDefault(k, ""))) {
                out.put(k, v);
            }
        });
        return out;
    }

    public String name() {
        return fields.get("name");
    }

    public String site() {
        return fields.get("site");
    }

    public String get(String field) {
        return fields.get(field);
    }

    /** {@code tenant/site/address:port}: what makes two devices one, whatever their names. */
    public String identity() {
        return tenant + "/" + site() + "/" + fields.get("address") + ":" + fields.get("port");
    }

    /** Every field; the secrets as {@link #HIDDEN} (or empty when not set) unless {@code withSecrets}. */
    public Map<String, String> fields(boolean withSecrets) {
        if (withSecrets) {
            return fields;
        }
        Map<String, String> shown = new LinkedHashMap<>(fields);
        SECRETS.forEach(s -> shown.computeIfPresent(s, (k, v) -> v.isEmpty() ? v : HIDDEN));
        return shown;
    }

    /**
     * This device changed by {@code changes} (fields to set; an empty value restores the default, a secret given as
     * {@link #HIDDEN} keeps its value).
     */
    public DeviceSpec with(Map<String, String> changes) {
        Map<String, String> next = new LinkedHashMap<>(fields);
        changes.forEach((k, v) -> {
            if (!(SECRETS.contains(k) && HIDDEN.equals(v))) {
                next.put(k, v);
            }
        });
        return new DeviceSpec(tenant, next);
    }

    @Override
    public String toString() {
        return tenant + "/" + name() + " (" + identity() + ")";
    }
}
