package io.junction.consume.notify;

import io.junction.config.ConfigException;
import io.junction.config.PropertiesFile;
import io.junction.consume.store.EventStore;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who is told of what, per tenant: one file per tenant in a directory ({@code etc/notifications/TENANT.properties}),
 * checked whole when read: a bad key or value is a {@link ConfigException} naming the file and the key (a secret's
 * value shown as {@code ***}), and nothing is loaded.
 *
 * <pre>
 * rule.NAME.severity = major                 this severity or a worse one (default: any)
 * rule.NAME.types = device-unreachable,...   event types (default: any)
 * rule.NAME.sites = hq,branch                sites (default: any)
 * rule.NAME.devices = core-*,edge-?          device names, * and ? as wildcards (default: any)
 * rule.NAME.reasons = opened,closed          opened, escalated, repeated, closed (default: all)
 * rule.NAME.actions = log,webhook:ops,mail:noc,alerts    alerts: published to tenant.ID.alerts
 * webhook.ops.url = https://hooks.example/junction       POSTed a JSON document per notification
 * webhook.ops.token = ...                    sent as "Authorization: Bearer ..." (a secret: never printed)
 * mail.noc.to = noc@example.com,oncall@example.com
 * smtp.host = mail.example.com               the SMTP server the mail actions use
 * smtp.port = 587
 * smtp.security = starttls                   none, starttls or tls
 * smtp.user = junction
 * smtp.password = ...                        (a secret: never printed)
 * smtp.from = junction@example.com
 * </pre>
 */
public final class NotificationRules {
    public static final List<String> REASONS = List.of("opened", "escalated", "repeated", "closed");
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    private static final Pattern TENANT_FILE = Pattern.compile("([a-z0-9][a-z0-9-]{0,62})\\.properties");
    private static final Pattern RULE = Pattern.compile("rule\\.([^.]+)\\.(severity|types|sites|devices|reasons|actions)");
    private static final Pattern WEBHOOK = Pattern.compile("webhook\\.([^.]+)\\.(url|token)");
    private static final Pattern MAIL = Pattern.compile("mail\\.([^.]+)\\.(to)");
    private static final Pattern SMTP = Pattern.compile("smtp\\.(host|port|security|user|password|from)");
    private static final Pattern ADDRESS = Pattern.compile("[^@\\s,]+@[^@\\s,]+");

    /** What a rule matches and what it does; a null or empty set matches anything. */
    public record Rule(String name, String severity, Set<String> types, Set<String> sites, List<Pattern> devices, Set<String> reasons,
                       List<String> actions) {
        boolean matches(EventStore.Stored s, String reason) {
            var p = s.problem();
            return (severity == null || EventStore.SEVERITIES.indexOf(p.severity()) <= EventStore.SEVERITIES.indexOf(severity))
                    && (types.isEmpty() || types.contains(p.type())) && (sites.isEmpty() || sites.contains(p.site()))
                    && (devices.isEmpty() || devices.stream().anyMatch(d -> d.matcher(p.device()).matches()))
                    && reasons.contains(reason);
        }
    }

    /** A webhook: its URL and bearer token (empty when none). */
    public record Webhook(URI url, String token) {
        /** The URL without user, query or fragment, which may hold secrets. */
        public String shown() {
            return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + (url.getPath() == null ? "" : url.getPath());
        }

        @Override
        public String toString() {
            return "Webhook[" + shown() + "]";
        }
    }

    /** The SMTP server of a tenant's mail actions. */
    public record Smtp(String host, int port, String security, String user, String password, String from) {
        @Override
        public String toString() {
            return "Smtp[" + host + ":" + port + ", " + security + ", user " + (user.isEmpty() ? "none" : user) + ", from " + from + "]";
        }
    }

    /** A tenant's rules, webhooks, mail recipient lists and SMTP server. */
    public record Tenant(String id, List<Rule> rules, Map<String, Webhook> webhooks, Map<String, List<String>> mails, Optional<Smtp> smtp) {
        /** Each action of each rule that matches, once per action (the first rule naming it wins), with that rule's name. */
        public Map<String, String> actions(EventStore.Stored s, String reason) {
            Map<String, String> out = new LinkedHashMap<>();
            for (Rule r : rules) {
                if (r.matches(s, reason)) {
                    r.actions().forEach(a -> out.putIfAbsent(a, r.name()));
                }
            }
            return out;
        }

        /** Where an action goes, as it may be shown: a webhook's URL without secrets, a mail's recipients. */
        public String target(String action) {
            if (action.startsWith("webhook:")) {
                Webhook w = webhooks.get(action.substring("webhook:".length()));
                return w == null ? "(no longer configured)" : w.shown();
            }
            if (action.startsWith("mail:")) {
                List<String> to = mails.get(action.substring("mail:".length()));
                return to == null ? "(no longer configured)" : String.join(",", to);
            }
            if (action.equals("alerts")) {
                return "tenant." + id + ".alerts";
            }
            return "the consumers' log";
        }
    }

    private final Map<String, Tenant> tenants;

    NotificationRules(Map<String, Tenant> tenants) {
        this.tenants = Map.copyOf(tenants);
    }

    /** No rules: nothing is notified. */
    public static NotificationRules none() {
        return new NotificationRules(Map.of());
    }

    /** The rules of {@code tenant} (none when it has no file). */
    public Tenant of(String tenant) {
        return tenants.getOrDefault(tenant, new Tenant(tenant, List.of(), Map.of(), Map.of(), Optional.empty()));
    }

    public Set<String> tenants() {
        return tenants.keySet();
    }

    /**
     * The rules of {@code tenant} alone ({@code dir/TENANT.properties}; none when there is no such file): a process
     * serving one tenant reads no other tenant's secrets, and another tenant's bad file does not stop it.
     */
    public static NotificationRules load(Path dir, String tenant) {
        Path file = dir.resolve(tenant + ".properties");
        if (!Files.exists(file)) {
            return none();
        }
        if (!TENANT_FILE.matcher(file.getFileName().toString()).matches()) {
            throw new ConfigException("Notification rules " + file + ": the file's name is TENANT.properties, with a tenant id (lower-case letters, digits and '-')");
        }
        return new NotificationRules(Map.of(tenant, tenant(tenant, file)));
    }

    /** Every {@code TENANT.properties} of {@code dir}; a directory that does not exist holds no rules. */
    public static NotificationRules load(Path dir) {
        if (!Files.exists(dir)) {
            return none();
        }
        if (!Files.isDirectory(dir)) {
            throw new ConfigException("Notification rules " + dir + " is not a directory");
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir, "*.properties")) {
            listing.forEach(files::add);
        } catch (IOException e) {
            throw new ConfigException("Cannot read the notification rule directory " + dir + ": " + e.getMessage());
        }
        files.sort(Comparator.naturalOrder());
        Map<String, Tenant> tenants = new TreeMap<>();
        for (Path file : files) {
            Matcher m = TENANT_FILE.matcher(file.getFileName().toString());
            if (!m.matches()) {
                throw new ConfigException("Notification rules " + file + ": the file's name is TENANT.properties, with a tenant id (lower-case letters, digits and '-')");
            }
            tenants.put(m.group(1), tenant(m.group(1), file));
        }
        return new NotificationRules(tenants);
    }

    private static Tenant tenant(String id, Path file) {
        String source = file.toString();
        Map<String, Map<String, String>> rules = new TreeMap<>();
        Map<String, Map<String, String>> webhooks = new TreeMap<>();
        Map<String, String> mails = new TreeMap<>();
        Map<String, String> smtp = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(PropertiesFile.read(file)).entrySet()) {
            String key = e.getKey();
            String value = e.getValue().trim();
            Matcher m;
            if ((m = RULE.matcher(key)).matches()) {
                rules.computeIfAbsent(name(source, key, m.group(1)), n -> new TreeMap<>()).put(m.group(2), value);
            } else if ((m = WEBHOOK.matcher(key)).matches()) {
                webhooks.computeIfAbsent(name(source, key, m.group(1)), n -> new TreeMap<>()).put(m.group(2), value);
            } else if ((m = MAIL.matcher(key)).matches()) {
                mails.put(name(source, key, m.group(1)), value);
            } else if ((m = SMTP.matcher(key)).matches()) {
                smtp.put(m.group(1), value);
            } else {
                throw ConfigException.unknown(source, key, "expected rule.NAME.(severity|types|sites|devices|reasons|actions), webhook.NAME.(url|token),"
                        + " mail.NAME.to or smtp.(host|port|security|user|password|from)");
            }
        }
        Map<String, Webhook> hooks = new TreeMap<>();
        webhooks.forEach((name, w) -> hooks.put(name, webhook(source, name, w)));
        Map<String, List<String>> lists = new TreeMap<>();
        mails.forEach((name, to) -> lists.put(name, addresses(source, "mail." + name + ".to", to)));
        Optional<Smtp> server = smtp.isEmpty() ? Optional.empty() : Optional.of(smtp(source, smtp));
        List<Rule> out = new ArrayList<>();
        rules.forEach((name, r) -> out.add(rule(source, name, r, hooks, lists, server.isPresent())));
        return new Tenant(id, out, hooks, lists, server);
    }

    private static Rule rule(String source, String name, Map<String, String> r, Map<String, Webhook> hooks, Map<String, List<String>> mails, boolean smtp) {
        String prefix = "rule." + name + ".";
        String severity = r.get("severity");
        if (severity != null && !EventStore.SEVERITIES.contains(severity)) {
            throw ConfigException.invalid(source, prefix + "severity", severity, "one of " + String.join(", ", EventStore.SEVERITIES));
        }
        Set<String> reasons = r.containsKey("reasons") ? list(r.get("reasons")) : Set.copyOf(REASONS);
        for (String reason : reasons) {
            if (!REASONS.contains(reason)) {
                throw ConfigException.invalid(source, prefix + "reasons", r.get("reasons"), "'" + reason + "' is none of " + String.join(", ", REASONS));
            }
        }
        String actionText = r.get("actions");
        if (actionText == null || actionText.isBlank()) {
            throw ConfigException.missing(source, prefix + "actions");
        }
        List<String> actions = new ArrayList<>();
        for (String a : actionText.split(",")) {
            String action = a.trim();
            String problem = null;
            if (action.equals("log") || action.equals("alerts")) {
                problem = null;
            } else if (action.startsWith("webhook:")) {
                problem = hooks.containsKey(action.substring(8)) ? null : "no webhook." + action.substring(8) + ".url in the file";
            } else if (action.startsWith("mail:")) {
                problem = !mails.containsKey(action.substring(5)) ? "no mail." + action.substring(5) + ".to in the file"
                        : smtp ? null : "a mail action needs smtp.host and smtp.from in the file";
            } else {
                problem = "'" + action + "' is none of log, webhook:NAME, mail:NAME, alerts";
            }
            if (problem != null) {
                throw ConfigException.invalid(source, prefix + "actions", actionText, problem);
            }
            if (!actions.contains(action)) {
                actions.add(action);
            }
        }
        List<Pattern> devices = new ArrayList<>();
        for (String d : list(r.get("devices"))) {
            devices.add(Pattern.compile(glob(d)));
        }
        return new Rule(name, severity, list(r.get("types")), list(r.get("sites")), devices, reasons, List.copyOf(actions));
    }

    private static Webhook webhook(String source, String name, Map<String, String> w) {
        String key = "webhook." + name + ".url";
        String url = w.get("url");
        if (url == null || url.isEmpty()) {
            throw ConfigException.missing(source, key);
        }
        try {
            URI uri = new URI(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw ConfigException.invalid(source, key, "(not shown)", "expected an http:// or https:// URL with a host");
            }
            String token = w.getOrDefault("token", "");
            if (!token.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
                throw ConfigException.invalid(source, "webhook." + name + ".token", token, "a token is printable ASCII without spaces (it is sent in an HTTP header)");
            }
            return new Webhook(uri, token);
        } catch (URISyntaxException e) {
            throw ConfigException.invalid(source, key, "(not shown)", "not a URL: " + e.getReason());
        }
    }

    private static Smtp smtp(String source, Map<String, String> s) {
        String host = s.get("host");
        if (host == null || host.isEmpty()) {
            throw ConfigException.missing(source, "smtp.host");
        }
        String from = s.get("from");
        if (from == null || !ADDRESS.matcher(from).matches()) {
            throw from == null ? ConfigException.missing(source, "smtp.from") : ConfigException.invalid(source, "smtp.from", from, "expected an e-mail address");
        }
        String security = s.getOrDefault("security", "starttls");
        if (!List.of("none", "starttls", "tls").contains(security)) {
            throw ConfigException.invalid(source, "smtp.security", security, "one of none, starttls, tls");
        }
        int port;
        String portText = s.getOrDefault("port", security.equals("tls") ? "465" : "587");
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw ConfigException.invalid(source, "smtp.port", portText, "expected a port between 1 and 65535");
        }
        String user = s.getOrDefault("user", "");
        String password = s.getOrDefault("password", "");
        if (user.isEmpty() != password.isEmpty()) {
            throw ConfigException.invalid(source, user.isEmpty() ? "smtp.user" : "smtp.password", "", "smtp.user and smtp.password go together");
        }
        return new Smtp(host, port, security, user, password, from);
    }

    private static List<String> addresses(String source, String key, String value) {
        List<String> out = new ArrayList<>();
        for (String a : value.split(",")) {
            String address = a.trim();
            if (!ADDRESS.matcher(address).matches()) {
                throw ConfigException.invalid(source, key, value, "'" + address + "' is not an e-mail address");
            }
            out.add(address);
        }
        return List.copyOf(out);
    }

    private static String name(String source, String key, String name) {
        if (!NAME.matcher(name).matches()) {
            throw ConfigException.invalid(source, key, name, "a name is a letter then letters, digits, '_' or '-'");
        }
        return name;
    }

    private static Set<String> list(String value) {
        if (value == null || value.isBlank()) {
            return Set.of();
        }
        Set<String> out = new java.util.LinkedHashSet<>();
        for (String v : value.split(",")) {
            if (!v.isBlank()) {
                out.add(v.trim());
            }
        }
        return Set.copyOf(out);
    }

    private static String glob(String glob) {
        StringBuilder out = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            out.append(ch == '*' ? ".*" : ch == '?' ? "." : Pattern.quote(String.valueOf(ch)));
        }
        return out.toString();
    }
}
