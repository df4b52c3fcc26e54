package io.junction.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;
import javax.security.auth.login.Configuration;

/**
 * The cluster's own ZooKeeper ensemble admits only the cluster's nodes: every member requires SASL (DIGEST-MD5) from
 * its clients and from the other members, with a password derived from {@code cluster.secret}, and refuses every
 * request of a client that has not authenticated. ZooKeeper reads its SASL settings from the JVM's JAAS
 * configuration, which this installs for the whole process: that is how every ZooKeeper client in it, the Artemis lock
 * manager's included, logs in without being told. An external ensemble ({@code zookeeper.connect}) is the operator's to
 * secure.
 */
public final class ZooKeeperAuth {
    /** The one ZooKeeper user of a cluster. */
    public static final String USER = "junction";
    private static final String DIGEST_MODULE = "org.apache.zookeeper.server.auth.DigestLoginModule";

    private ZooKeeperAuth() {
    }

    /** What ZooKeeper reads from system properties (the member's configuration file sets the first three). */
    private static final List<String> PROPERTIES = List.of("zookeeper.authProvider.sasl", "zookeeper.enforce.auth.enabled",
            "zookeeper.enforce.auth.schemes", "zookeeper.fips-mode");
    private static int members;
    private static Configuration before;
    private static Map<String, String> propertiesBefore;

    /** Makes this process log in to ZooKeeper, and its ZooKeeper members accept logins, with {@code secret}'s password. */
    private static synchronized void install(String secret) {
        Configuration current = Configuration.getConfiguration();
        Configuration fallback = current instanceof Sections s ? s.fallback : current;
        Configuration.setConfiguration(new Sections(password(secret), fallback));
        // ZooKeeper 3.9 refuses DIGEST-MD5 in its default "FIPS mode"; the password it carries is a SHA-256 of the
        // secret, 256 bits that no one guesses from the exchange
        System.setProperty("zookeeper.fips-mode", "false");
    }

    /**
     * Logs this process in to the cluster's own ensemble with {@code secret} until the handle is closed, for a
     * process that runs no member (the CLI): closing restores the JVM's JAAS configuration as it was.
     */
    public static synchronized AutoCloseable login(String secret) {
        Configuration previous = Configuration.getConfiguration();
        String fips = System.getProperty("zookeeper.fips-mode");
        install(secret);
        return () -> {
            synchronized (ZooKeeperAuth.class) {
                Configuration.setConfiguration(previous);
                if (fips == null) {
                    System.clearProperty("zookeeper.fips-mode");
                } else {
                    System.setProperty("zookeeper.fips-mode", fips);
                }
            }
        };
    }

    /**
     * Sets up {@code member} (an ensemble member's configuration) to require SASL from clients and from the other
     * members, and this process to log in with {@code secret}. The returned handle undoes it once the last such member
     * of the process has stopped, so that other ZooKeeper servers and clients in the same JVM (tests) are unaffected.
     */
    static synchronized AutoCloseable require(String secret, Properties member) {
        if (members++ == 0) {
            before = Configuration.getConfiguration();
            propertiesBefore = new java.util.HashMap<>();
            PROPERTIES.forEach(k -> propertiesBefore.put(k, System.getProperty(k)));
        }
        install(secret);
        requireOn(member);
        return ZooKeeperAuth::release;
    }

    private static synchronized void release() {
        if (members > 0 && --members == 0) {
            Configuration.setConfiguration(before);
            propertiesBefore.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
    }

    private static void requireOn(Properties member) {
        member.setProperty("authProvider.sasl", "org.apache.zookeeper.server.auth.SASLAuthenticationProvider");
        member.setProperty("enforce.auth.enabled", "true");
        member.setProperty("enforce.auth.schemes", "sasl");
        member.setProperty("quorum.auth.enableSasl", "true");
        member.setProperty("quorum.auth.learnerRequireSasl", "true");
        member.setProperty("quorum.auth.serverRequireSasl", "true");
    }

    /** ZooKeeper's password: derived from the secret, so that the weak DIGEST-MD5 exchange never carries the secret. */
    static String password(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("junction zookeeper v1\0" + secret).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The JAAS sections ZooKeeper looks up: Client, Server, QuorumServer and QuorumLearner. */
    private static final class Sections extends Configuration {
        private final Map<String, Map<String, String>> sections;
        private final Configuration fallback;

        Sections(String password, Configuration fallback) {
            Map<String, String> login = Map.of("username", USER, "password", password);
            Map<String, String> accept = Map.of("user_" + USER, password);
            this.sections = Map.of("Client", login, "QuorumLearner", login, "Server", accept, "QuorumServer", accept);
            this.fallback = fallback;
        }

        @Override
        public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
            Map<String, String> options = sections.get(name);
            if (options != null) {
                return new AppConfigurationEntry[] {new AppConfigurationEntry(DIGEST_MODULE, LoginModuleControlFlag.REQUIRED, options)};
            }
            return fallback == null ? null : fallback.getAppConfigurationEntry(name);
        }
    }
}
