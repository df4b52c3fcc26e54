package io.junction.security;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.Subject;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager5;
import org.apache.activemq.artemis.spi.core.security.jaas.RolePrincipal;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every protocol's logins against the {@link DirectoryStore} and authorises each operation by
 * {@link TenantAccess}, reading the user as the directory holds it now, so a removed user or changed role takes
 * effect as soon as Artemis's authorisation cache lapses. Anonymous logins are refused. A tenant's user may hold at
 * most its tenant's {@code max-connections} connections. Refusals are logged with the user and the source address,
 * and repeated login failures from one address are slowed down ({@link LoginThrottle}).
 */
public final class JunctionSecurityManager implements ActiveMQSecurityManager5 {
    private static final Logger LOG = LoggerFactory.getLogger(JunctionSecurityManager.class);

    private final DirectoryStore directory;
    /** Each user's open connections, by connection id. */
    private final Map<String, Set<Object>> connections = new ConcurrentHashMap<>();
    /**
     * Five failed logins for one user from one source within minutes of each other, and that user's new logins from
     * there are refused for 1 s, 2 s, ... 60 s. Thirty failed logins from one source for the users of one tenant (or
     * for the service's own users, or for names that do not exist), and that source's new logins for those users are:
     * customers behind one NAT address then lock out only themselves, never another tenant or the operator. A success
     * clears only its own user's count.
     */
    private final LoginThrottle perUser;
    private final LoginThrottle perSource;
    private final TemporaryQueueOwners temporaryQueues = new TemporaryQueueOwners();

    public JunctionSecurityManager(DirectoryStore directory) {
        this(directory, java.time.Clock.systemUTC());
    }

    public JunctionSecurityManager(DirectoryStore directory, java.time.Clock clock) {
        this.directory = directory;
        this.perUser = new LoginThrottle(5, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(5), clock);
        this.perSource = new LoginThrottle(30, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(5), clock);
    }

    /** The creators of the temporary queues, which the brokers keep up to date. */
    public TemporaryQueueOwners temporaryQueues() {
        return temporaryQueues;
    }

    @Override
    public Subject authenticate(String user, String password, RemotingConnection connection, String securityDomain) {
        // Artemis checks the password of a connection's user again for each of its sessions and authorisations: that
        // is no new login. Any other login on a connection, a first one or another user's on a logged-in CORE
        // connection, is throttled and counted.
        boolean recheck = user != null && connection != null && user.equals(userOf(connection.getSubject()));
        String source = connection == null || connection.getRemoteAddress() == null ? null : LoginThrottle.source(connection.getRemoteAddress());
        String pair = source + " as " + user;
        String scope = source + " for " + scopeOf(user);
        if (source != null && !recheck && (perSource.blocked(scope) || perUser.blocked(pair))) {
            LOG.debug("Login refused unchecked for {} from {}: too many failures from there", user, describe(connection));
            return null;
        }
        Optional<User> found = directory.authenticate(user, password);
        if (found.isEmpty()) {
            // Artemis logs every refused login too (AMQ222216), with the user name and the source address
            LOG.debug("Login refused for {} from {}", user == null ? "an anonymous client" : "user '" + user + "'", describe(connection));
            if (source != null) {
                perUser.failed(pair);
                perSource.failed(scope);
            }
            return null;
        }
        if (source != null && !recheck) {
            perUser.succeeded(pair);
        }

        if (connection != null && !admitConnection(found.get(), connection)) {
            return null;
        }
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(user));
        found.get().roles().forEach(r -> subject.getPrincipals().add(new RolePrincipal(r)));
        return subject;
    }

    /**
     * Whether logins as {@code user} from {@code remoteAddress} (as Artemis gives it, e.g. {@code /10.0.0.7:51234}) are
     * being refused unchecked right now because of earlier failures.
     */
    public boolean throttled(String remoteAddress, String user) {
        String source = LoginThrottle.source(remoteAddress);
        return perUser.blocked(source + " as " + user) || perSource.blocked(source + " for " + scopeOf(user));
    }

    /** A login that got past its password but is refused for where it comes from: logged and counted as a failure. */
    public void refused(String user, RemotingConnection connection, String reason) {
        LOG.warn("Login refused for user '{}' from {}: {}", user, describe(connection), reason);
        if (connection != null && connection.getRemoteAddress() != null) {
            String source = LoginThrottle.source(connection.getRemoteAddress());
            perUser.failed(source + " as " + user);
            perSource.failed(source + " for " + scopeOf(user));
        }
    }

    private static String userOf(Subject subject) {
        if (subject == null) {
            return null;
        }
        return subject.getPrincipals(UserPrincipal.class).stream().map(UserPrincipal::getName).findFirst().orElse(null);
    }

    /** Whose users a failed login is counted against: a tenant's, the service's, or names that exist nowhere. */
    private String scopeOf(String user) {
        User u = user == null ? null : directory.find(user).orElse(null);
        return u == null ? "unknown users" : u.tenant() == null ? "the service" : "tenant " + u.tenant();
    }

    /** Counts the connection against its user's tenant limit; a connection already counted is admitted again. */
    private boolean admitConnection(User user, RemotingConnection connection) {
        if (user.tenant() == null) {
            return true;
        }
        int max = directory.snapshot().tenant(user.tenant()).map(t -> t.limits().maxConnections()).orElse(0);
        Object id = connection.getID();
        Set<Object> open = connections.computeIfAbsent(user.name(), k -> ConcurrentHashMap.newKeySet());
        synchronized (open) {
            if (open.contains(id)) {
                return true;
            }
            if (open.size() >= max) {
                LOG.warn("Login refused for user '{}' from {}: tenant {} allows {} connections per user", user.name(), describe(connection),
                        user.tenant(), max);
                return false;
            }
            open.add(id);
        }
        Runnable release = () -> {
            synchronized (open) {
                open.remove(id);
            }
        };
        connection.addCloseListener(release::run);
        connection.addFailureListener(new org.apache.activemq.artemis.core.remoting.FailureListener() {
            @Override
            public void connectionFailed(org.apache.activemq.artemis.api.core.ActiveMQException exception, boolean failedOver) {
                release.run();
            }

            @Override
            public void connectionFailed(org.apache.activemq.artemis.api.core.ActiveMQException exception, boolean failedOver, String scaleDownTargetNodeID) {
                release.run();
            }
        });
        if (connection.isDestroyed()) {
            // closed before the listeners were in place: they will never run
            release.run();
        }
        return true;
    }

    private static String describe(RemotingConnection connection) {
        return connection == null ? "an in-VM client" : connection.getRemoteAddress() + " over " + connection.getProtocolName();
    }

    @Override
    public boolean authorize(Subject subject, Set<Role> roles, CheckType checkType, String address) {
        if (subject == null) {
            return false;
        }
        for (UserPrincipal principal : subject.getPrincipals(UserPrincipal.class)) {
            User user = directory.find(principal.getName()).orElse(null);
            if (TenantAccess.allows(user, checkType, address, temporaryQueues)) {
                return true;
            }
            LOG.warn("Refused {} on {} to user '{}'{}", checkType, address, principal.getName(),
                    user == null ? " (no longer exists)" : user.tenant() == null ? "" : " of tenant " + user.tenant());
        }
        return false;
    }

    @Override
    public boolean validateUser(String user, String password) {
        return directory.authenticate(user, password).isPresent();
    }

    @Override
    public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
        // only Artemis's own in-VM paths call this without an address: admit the service's admin alone
        return directory.authenticate(user, password).map(User::isServiceAdmin).orElse(false);
    }
}
