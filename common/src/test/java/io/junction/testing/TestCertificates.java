package io.junction.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Keystores for TLS tests, made with the JDK's keytool the way docs/tls.md tells an operator to: an authority, keys
 * it signs, self-signed keys, and a truststore holding the authority. Every store uses {@link #PASSWORD}.
 */
public final class TestCertificates {
    public static final String PASSWORD = "store-pass";
    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Creates an authority ({@code ca.p12}, {@code ca.crt}) and a truststore holding it ({@code trust.p12}) in {@code dir}. */
    public static TestCertificates authority(Path dir) {
        TestCertificates c = new TestCertificates(dir);
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=Junction Test CA", "-ext", "bc:c", "-validity", "2",
                "-keystore", c.file("ca.p12"), "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-exportcert", "-alias", "ca", "-keystore", c.file("ca.p12"), "-storepass", PASSWORD, "-file", c.file("ca.crt"));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", c.file("ca.crt"), "-keystore", c.file("trust.p12"), "-storetype", "PKCS12",
                "-storepass", PASSWORD);
        return c;
    }

    /** The truststore that holds the authority. */
    public Path trustStore() {
        return dir.resolve("trust.p12");
    }

    /** {@code NAME.p12}: a key for {@code CN=NAME} signed by the authority, with its chain; {@code san} as keytool takes it, or null. */
    public Path signed(String name, String san) {
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-dname", "CN=" + name, "-validity", "2", "-keystore", file(name + ".p12"),
                "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-certreq", "-alias", name, "-keystore", file(name + ".p12"), "-storepass", PASSWORD, "-file", file(name + ".csr"));
        List<String> sign = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", file("ca.p12"), "-storepass", PASSWORD,
                "-infile", file(name + ".csr"), "-outfile", file(name + ".crt"), "-validity", "2"));
        if (san != null) {
            sign.addAll(List.of("-ext", "SAN=" + san));
        }
        keytool(sign.toArray(String[]::new));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", file("ca.crt"), "-keystore", file(name + ".p12"), "-storepass", PASSWORD);
        keytool("-importcert", "-noprompt", "-alias", name, "-file", file(name + ".crt"), "-keystore", file(name + ".p12"), "-storepass", PASSWORD);
        return dir.resolve(name + ".p12");
    }

    /** {@code NAME.p12}: a self-signed key for {@code CN=NAME} that no authority vouches for. */
    public Path selfSigned(String name, String san) {
        List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", name, "-keyalg", "EC", "-dname", "CN=" + name, "-validity", "2",
                "-keystore", file(name + ".p12"), "-storetype", "PKCS12", "-storepass", PASSWORD));
        if (san != null) {
            args.addAll(List.of("-ext", "SAN=" + san));
        }
        keytool(args.toArray(String[]::new));
        return dir.resolve(name + ".p12");
    }

    /** An SSL context presenting {@code keys} (none when null) and trusting {@code trust}, for clients such as Paho. */
    public static SSLContext sslContext(Path keys, Path trust) throws GeneralSecurityException, IOException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(trust));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys == null ? null : load(keys), PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static KeyStore load(Path file) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    /** Runs the JDK's keytool; fails with its output if it fails. */
    public static void keytool(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("keytool " + String.join(" ", args) + ": " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running keytool", e);
        }
    }
}
