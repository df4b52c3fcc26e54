package io.junction.poll.trap;

import io.junction.config.ConfigException;
import io.junction.config.PropertiesFile;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a trap is called and how severe it is, from the rule files of a directory ({@code etc/traps}, every
 * {@code *.properties}), checked whole when read: a bad key or value is a {@link ConfigException} naming the file and
 * the key, and no rule is loaded. The rule with the longest OID that matches wins; a trap no rule matches gets the
 * {@code default.severity} (indeterminate unless a file says otherwise).
 *
 * <pre>
 * trap.NAME.oid = 1.3.6.1.6.3.1.1.5.3       the trap's OID (snmpTrapOID; a v1 trap's is made as RFC 3584 says)
 * trap.NAME.oid = 1.3.6.1.4.1.9.*           or every trap under an OID
 * trap.NAME.severity = minor                critical, major, minor, warning, normal or indeterminate
 * default.severity = indeterminate          for traps no rule matches (in one file at most)
 * </pre>
 */
public final class TrapRules {
    public static final Set<String> SEVERITIES = Set.of("critical", "major", "minor", "warning", "normal", "indeterminate");
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    private static final Pattern OID = Pattern.compile("[0-2](\\.(0|[1-9][0-9]{0,9}))+(\\.\\*)?");
    private static final Pattern RULE = Pattern.compile("trap\\.([^.]+)\\.(oid|severity)");

    /** A rule: traps whose OID is {@code oid} (or lies under it, when {@code prefix}) are {@code name}, of {@code severity}. */
    public record Rule(String name, String oid, boolean prefix, String severity) {
        boolean matches(String trapOid) {
            return prefix ? trapOid.startsWith(oid + ".") : trapOid.equals(oid);
        }
    }

    /** A trap's name (empty when no rule matched) and severity. */
    public record Match(String name, String severity) {
    }

    private final List<Rule> rules;
    private final String defaultSeverity;

    TrapRules(List<Rule> rules, String defaultSeverity) {
        List<Rule> sorted = new ArrayList<>(rules);
        // the most precise first: an exact OID before a prefix, a longer prefix before a shorter
        sorted.sort(Comparator.comparing((Rule r) -> r.prefix()).thenComparing(r -> -r.oid().length()));
        this.rules = List.copyOf(sorted);
        this.defaultSeverity = defaultSeverity;
    }

    public List<Rule> rules() {
        return rules;
    }

    public String defaultSeverity() {
        return defaultSeverity;
    }

    public Match match(String trapOid) {
        for (Rule r : rules) {
            if (r.matches(trapOid)) {
                return new Match(r.name(), r.severity());
            }
        }
        return new Match("", defaultSeverity);
    }

    /** Every rule file of {@code dir}. */
    public static TrapRules load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ConfigException("Trap rule directory " + dir + " does not exist");
        }
        List<Rule> rules = new ArrayList<>();
        Map<String, String> seen = new TreeMap<>();
        String defaultSeverity = null;
        String defaultFrom = null;
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir, "*.properties")) {
            listing.forEach(files::add);
        } catch (IOException e) {
            throw new ConfigException("Cannot read trap rule directory " + dir + ": " + e.getMessage());
        }
        files.sort(Comparator.naturalOrder());
        for (Path file : files) {
            String source = file.toString();
            Map<String, String> raw = new TreeMap<>(PropertiesFile.read(file));
            Map<String, Map<String, String>> byName = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : raw.entrySet()) {
                String key = e.getKey();
                String value = e.getValue().trim();
                if (key.equals("default.severity")) {
                    if (defaultFrom != null) {
                        throw ConfigException.invalid(source, key, value, "the default severity is set in " + defaultFrom + " already");
                    }
                    defaultSeverity = severity(source, key, value);
                    defaultFrom = source;
                    continue;
                }
                Matcher m = RULE.matcher(key);
                if (!m.matches()) {
                    throw ConfigException.unknown(source, key, "a rule is trap.NAME.oid and trap.NAME.severity; or default.severity");
                }
                if (!NAME.matcher(m.group(1)).matches()) {
                    throw ConfigException.invalid(source, key, m.group(1), "a trap name is a letter then letters, digits, '_' or '-'");
                }
                byName.computeIfAbsent(m.group(1), n -> new TreeMap<>()).put(m.group(2), value);
            }
            for (Map.Entry<String, Map<String, String>> e : byName.entrySet()) {
                String name = e.getKey();
                String oid = e.getValue().get("oid");
                String severity = e.getValue().get("severity");
                if (oid == null) {
                    throw ConfigException.missing(source, "trap." + name + ".oid");
                }
                if (severity == null) {
                    throw ConfigException.missing(source, "trap." + name + ".severity");
                }
                if (!OID.matcher(oid).matches()) {
                    throw ConfigException.invalid(source, "trap." + name + ".oid", oid, "a numeric OID (1.3.6.1...), or one ending in .* for every trap under it");
                }
                String before = seen.put(oid, source + " (" + name + ")");
                if (before != null) {
                    throw ConfigException.invalid(source, "trap." + name + ".oid", oid, "a rule of " + before + " has this OID already");
                }
                boolean prefix = oid.endsWith(".*");
                rules.add(new Rule(name, prefix ? oid.substring(0, oid.length() - 2) : oid, prefix, severity(source, "trap." + name + ".severity", severity)));
            }
        }
        return new TrapRules(rules, defaultSeverity == null ? "indeterminate" : defaultSeverity);
    }

    private static String severity(String source, String key, String value) {
        if (!SEVERITIES.contains(value)) {
            throw ConfigException.invalid(source, key, value, "one of " + String.join(", ", new java.util.TreeSet<>(SEVERITIES)));
        }
        return value;
    }
}
