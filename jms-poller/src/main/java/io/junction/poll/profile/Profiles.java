package io.junction.poll.profile;

import io.junction.config.ConfigException;
import io.junction.config.PropertiesFile;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Poll profiles read from a directory ({@code etc/profiles}), one {@code NAME.properties} file each, checked whole when
 * read: a bad key or value is a {@link ConfigException} naming the file and the key, and no profile is loaded.
 *
 * <pre>
 * description = what it polls
 * scalar.NAME = OID                    a value read with GET (the OID ends in its instance, e.g. .0)
 * table.TABLE.column.NAME = OID        a column walked with GETBULK (GETNEXT on SNMPv1)
 * table.TABLE.label = NAME             the column that names each row (e.g. ifName)
 * table.TABLE.fallback.NAME = OTHER    NAME is reported only in rows where OTHER is missing (32-bit for 64-bit)
 * </pre>
 */
public final class Profiles {
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
    private static final Pattern OID = Pattern.compile("[0-2](\\.(0|[1-9][0-9]{0,9}))+");
    private static final Pattern SCALAR = Pattern.compile("scalar\\.([^.]+)");
    private static final Pattern TABLE = Pattern.compile("table\\.([^.]+)\\.(column|label|fallback)(?:\\.([^.]+))?");

    private Profiles() {
    }

    /** Every profile in {@code dir}, by name. */
    public static Map<String, Profile> load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ConfigException("Profile directory " + dir + " does not exist");
        }
        Map<String, Profile> profiles = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.properties")) {
            for (Path file : files) {
                Profile p = read(file);
                profiles.put(p.name(), p);
            }
        } catch (IOException e) {
            throw new ConfigException("Cannot read profile directory " + dir + ": " + e.getMessage());
        }
        return profiles;
    }

    /** One profile file; its name is the file's name without {@code .properties}. */
    public static Profile read(Path file) {
        String source = file.toString();
        String name = file.getFileName().toString().replaceFirst("\\.properties$", "");
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException("Invalid profile file name " + file + ": a profile name is a letter then letters, digits or _");
        }
        Map<String, String> raw = new TreeMap<>(PropertiesFile.read(file));
        String description = raw.getOrDefault("description", "");
        List<Profile.Metric> scalars = new ArrayList<>();
        Map<String, Map<String, String>> columns = new LinkedHashMap<>();
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, Map<String, String>> fallbacks = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            String key = e.getKey();
            String value = e.getValue().trim();
            if (key.equals("description")) {
                continue;
            }
            Matcher scalar = SCALAR.matcher(key);
            Matcher table = TABLE.matcher(key);
            if (scalar.matches()) {
                scalars.add(new Profile.Metric(unique(source, key, value, checkName(source, key, scalar.group(1)), names), checkOid(source, key, value)));
            } else if (table.matches()) {
                String t = checkName(source, key, table.group(1));
                String kind = table.group(2);
                String member = table.group(3);
                if (kind.equals("label") != (member == null)) {
                    throw ConfigException.unknown(source, key, "expected table.TABLE.column.NAME, table.TABLE.label or table.TABLE.fallback.NAME");
                }
                switch (kind) {
                    case "column" -> columns.computeIfAbsent(t, x -> new LinkedHashMap<>())
                            .put(unique(source, key, value, checkName(source, key, member), names), checkOid(source, key, value));
                    case "label" -> labels.put(t, checkName(source, key, value));
                    default -> fallbacks.computeIfAbsent(t, x -> new LinkedHashMap<>()).put(checkName(source, key, member), checkName(source, key, value));
                }
            } else {
                throw ConfigException.unknown(source, key, "a profile has description, scalar.NAME, table.TABLE.column.NAME, table.TABLE.label "
                        + "and table.TABLE.fallback.NAME");
            }
        }
        List<Profile.Table> tables = new ArrayList<>();
        for (String t : union(columns.keySet(), labels.keySet(), fallbacks.keySet())) {
            Map<String, String> cols = columns.getOrDefault(t, Map.of());
            if (cols.isEmpty()) {
                throw ConfigException.missing(source, "table." + t + ".column.NAME");
            }
            String label = labels.get(t);
            if (label != null && !cols.containsKey(label)) {
                throw ConfigException.invalid(source, "table." + t + ".label", label, "not a column of table " + t);
            }
            Map<String, String> fb = fallbacks.getOrDefault(t, Map.of());
            for (Map.Entry<String, String> f : fb.entrySet()) {
                String key = "table." + t + ".fallback." + f.getKey();
                if (!cols.containsKey(f.getKey()) || !cols.containsKey(f.getValue()) || f.getKey().equals(f.getValue())) {
                    throw ConfigException.invalid(source, key, f.getValue(), "both must be other columns of table " + t);
                }
            }
            List<Profile.Metric> metrics = cols.entrySet().stream().map(c -> new Profile.Metric(c.getKey(), c.getValue())).toList();
            tables.add(new Profile.Table(t, label, metrics, Map.copyOf(fb)));
        }
        if (scalars.isEmpty() && tables.isEmpty()) {
            throw new ConfigException("Profile " + source + " polls nothing: add scalar.NAME or table.TABLE.column.NAME keys");
        }
        return new Profile(name, description, scalars, tables);
    }

    private static String checkName(String source, String key, String name) {
        if (!NAME.matcher(name).matches()) {
            throw ConfigException.invalid(source, key, name, "a name is a letter then up to 63 letters, digits or _");
        }
        return name;
    }

    private static String checkOid(String source, String key, String oid) {
        if (!OID.matcher(oid).matches()) {
            throw ConfigException.invalid(source, key, oid, "expected a numeric OID such as 1.3.6.1.2.1.1.3.0");
        }
        return oid;
    }

    private static String unique(String source, String key, String value, String name, Set<String> names) {
        if (!names.add(name)) {
            throw ConfigException.invalid(source, key, value, "the name " + name + " is used twice in this profile");
        }
        return name;
    }

    @SafeVarargs
    private static List<String> union(Set<String>... sets) {
        Set<String> all = new java.util.LinkedHashSet<>();
        for (Set<String> s : sets) {
            all.addAll(s);
        }
        return new ArrayList<>(all);
    }
}
