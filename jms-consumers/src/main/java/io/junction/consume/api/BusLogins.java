package io.junction.consume.api;

import io.junction.client.ClientUrls;
import io.junction.client.Credentials;
import io.junction.client.TenantAddresses;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API's users are the bus's: a user and password are checked by logging in to the bus with them, and a user may
 * read a tenant's data if the bus lets it browse the tenant's poller announcements (its consumers, its admins and the
 * service's operator may; its producers and pollers, and every other tenant's users, may not). The bus's login
 * throttle applies to the API as to every protocol. A verdict that the login worked is kept for a minute, keyed by a hash of the password (at most 10,000).
 */
public final class BusLogins {
    /** What the bus said of a user and a tenant. */
    public enum Verdict { ALLOWED, NOT_THIS_TENANT, BAD_LOGIN, BUS_UNREACHABLE }

    private record Kept(String passwordHash, Verdict verdict, long until) {
    }

    private static final long KEEP_NANOS = Duration.ofMinutes(1).toNanos();
    private static final int MAX_KEPT = 10_000;

    private final String url;
    private final Map<String, Kept> kept = new ConcurrentHashMap<>();

    /** Checks logins at {@code url} (the consumers' own bus URL). */
    public BusLogins(String url) {
        this.url = ClientUrls.quick(url);
    }

    public Verdict check(String user, String password, String tenant) {
        String key = user + "\u0000" + tenant;
        String hash = hash(user, password);
        Kept k = kept.get(key);
        long now = System.nanoTime();
        if (k != null && k.passwordHash().equals(hash) && now - k.until() < 0) {
            return k.verdict();
        }
        Verdict v = ask(user, password, tenant);
        // a refused login is not kept: anyone may send one, with a new name each time, and the bus's throttle counts it
        if (v == Verdict.ALLOWED || v == Verdict.NOT_THIS_TENANT) {
            if (kept.size() >= MAX_KEPT) {
                kept.values().removeIf(old -> now - old.until() >= 0);
            }
            if (kept.size() < MAX_KEPT) {
                kept.put(key, new Kept(hash, v, now + KEEP_NANOS));
            }
        }
        return v;
    }

    private Verdict ask(String user, String password, String tenant) {
        Credentials login = new Credentials(url, user, password);
        try (Credentials.Open open = login.connect()) {
            Session s = open.connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
            String pollers = TenantAddresses.pollers(tenant);
            try (QueueBrowser b = s.createBrowser(s.createQueue(pollers + "::" + pollers))) {
                b.getEnumeration();
                return Verdict.ALLOWED;
            } catch (JMSSecurityException | InvalidDestinationException e) {
                // refused, or a tenant that does not exist: the same answer
                return Verdict.NOT_THIS_TENANT;
            }
        } catch (JMSSecurityException e) {
            return Verdict.BAD_LOGIN;
        } catch (JMSException e) {
            return Verdict.BUS_UNREACHABLE;
        }
    }

    private static String hash(String user, String password) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(user.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            return Base64.getEncoder().encodeToString(d.digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
