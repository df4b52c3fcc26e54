package io.junction.consume.notify;

import io.junction.config.ConfigException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notification rule files, looked at again and again: rules edited while the consumers run are in force two looks
 * later (the files unchanged between them), without a restart. A file that no longer reads (a key misspelt, a webhook URL cut short) is one line in the
 * log naming its file and key, and the rules loaded before stay in force until it is mended: an edit never stops
 * notifications.
 */
public final class RulesWatch {
    private static final Logger LOG = LoggerFactory.getLogger(RulesWatch.class);

    private final Path dir;
    /** The one tenant whose file is read, or null for every file of the directory. */
    private final String tenant;
    /** The files as last loaded. */
    private String loaded;
    /** The files as the last look found them, changed since they were loaded. */
    private String changing;

    /**
     * Watches {@code dir} for {@code tenant}'s file (null: every tenant's). Made before the rules are first loaded, so
     * that an edit between the two is seen.
     */
    public RulesWatch(Path dir, String tenant) {
        this.dir = dir;
        this.tenant = tenant;
        this.loaded = fingerprint();
    }

    /**
     * The rules as the files now say, when they changed since they were loaded, read well, and were the same at the
     * look before (a file being saved is not read half-written); else empty.
     */
    public Optional<NotificationRules> check() {
        String now = fingerprint();
        if (now.equals(loaded)) {
            changing = null;
            return Optional.empty();
        }
        if (!now.equals(changing)) {
            changing = now;
            return Optional.empty();
        }
        loaded = now;
        changing = null;
        try {
            NotificationRules rules = tenant == null ? NotificationRules.load(dir) : NotificationRules.load(dir, tenant);
            LOG.info("Notification rules in {} reloaded: {}", dir, rules.tenants().isEmpty() ? "none" : rules.tenants().stream()
                    .map(t -> t + " (" + rules.of(t).rules().size() + " rules)").reduce((a, b) -> a + ", " + b).orElse(""));
            return Optional.of(rules);
        } catch (ConfigException e) {
            LOG.error("{} (not reloaded: the rules loaded before stay in force until the file is mended)", e.getMessage());
            return Optional.empty();
        }
    }

    /** The names, sizes and modification times of the files read. */
    private String fingerprint() {
        TreeMap<String, String> files = new TreeMap<>();
        try {
            if (tenant != null) {
                add(files, dir.resolve(tenant + ".properties"));
            } else if (Files.isDirectory(dir)) {
                try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir, "*.properties")) {
                    for (Path p : listing) {
                        add(files, p);
                    }
                }
            }
        } catch (IOException e) {
            files.put("?", e.toString());
        }
        return files.toString();
    }

    private static void add(TreeMap<String, String> files, Path p) throws IOException {
        if (Files.exists(p)) {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            files.put(p.getFileName().toString(), a.size() + "@" + a.lastModifiedTime().toInstant());
        }
    }
}
