package io.junction.security;

import java.util.Optional;
import java.util.Set;
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
 * Authenticates every protocol's logins against the {@link UserStore} and authorises by role. Anonymous logins
 * (no user name) are refused; Artemis itself logs each refusal with the user and the source address (AMQ222216).
 */
public final class JunctionSecurityManager implements ActiveMQSecurityManager5 {
    private static final Logger LOG = LoggerFactory.getLogger(JunctionSecurityManager.class);

    private final UserStore users;

    public JunctionSecurityManager(UserStore users) {
        this.users = users;
    }

    @Override
    public Subject authenticate(String user, String password, RemotingConnection connection, String securityDomain) {
        Optional<Set<String>> roles = users.authenticate(user, password);
        if (roles.isEmpty()) {
            String from = connection == null ? "an in-VM client" : connection.getRemoteAddress();
            String protocol = connection == null ? "" : " over " + connection.getProtocolName();
            LOG.debug("Login refused for {} from {}{}", user == null ? "an anonymous client" : "user '" + user + "'", from, protocol);
            return null;
        }
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(user));
        roles.get().forEach(r -> subject.getPrincipals().add(new RolePrincipal(r)));
        return subject;
    }

    @Override
    public boolean authorize(Subject subject, Set<Role> roles, CheckType checkType, String address) {
        if (subject == null) {
            return false;
        }
        for (RolePrincipal held : subject.getPrincipals(RolePrincipal.class)) {
            for (Role role : roles) {
                if (role.getName().equals(held.getName()) && checkType.hasRole(role)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public boolean validateUser(String user, String password) {
        return users.authenticate(user, password).isPresent();
    }

    @Override
    public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
        Subject subject = authenticate(user, password, null, null);
        return authorize(subject, roles, checkType, null);
    }
}
