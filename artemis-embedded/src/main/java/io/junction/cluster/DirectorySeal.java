package io.junction.cluster;

import io.junction.security.Directory;
import java.nio.charset.StandardCharsets;

/**
 * The directory as its registry stores it in ZooKeeper: gzipped, then encrypted and authenticated (AES-256-GCM) under
 * a key derived from the cluster secret and bound to its ZooKeeper path. Reads the older form without gzip too.
 */
final class DirectorySeal {
    private final javax.crypto.spec.SecretKeySpec key;
    private final String path;
    private final byte[] associated;

    DirectorySeal(String secret, String path) {
        this.key = sealingKey(secret);
        this.path = path;
        this.associated = path.getBytes(StandardCharsets.UTF_8);
    }

    /** A directory and its generation, which every change raises by one. */
    record Sealed(long generation, Directory directory) {
    }

    /** The first line of a sealed directory; the second is Base64 of a 12-byte nonce followed by AES-GCM output. */
    private static final String SEALED = "# junction directory, AES-256-GCM under the cluster secret\n";
    /** As {@link #SEALED}, the plain text gzipped before sealing: thousands of devices fit one ZooKeeper node. */
    private static final String SEALED_GZIP = "# junction directory, gzip then AES-256-GCM under the cluster secret\n";
    private static final String GENERATION = "generation=";
    private static final int NONCE_BYTES = 12;
    
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /**
     * The directory and its generation, encrypted and authenticated under the cluster secret and bound to this
     * ZooKeeper path: whoever reaches ZooKeeper without the secret can neither read the tenants, users and password
     * hashes nor change them, and an old copy written back is refused by every node that has applied a newer one.
     */
    byte[] seal(Directory directory, long generation) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(javax.crypto.Cipher.ENCRYPT_MODE, key, new javax.crypto.spec.GCMParameterSpec(128, nonce));
            cipher.updateAAD(associated);
            byte[] sealed = cipher.doFinal(gzip((GENERATION + generation + "\n" + directory.encode()).getBytes(StandardCharsets.UTF_8)));
            byte[] out = new byte[nonce.length + sealed.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
            return (SEALED_GZIP + java.util.Base64.getEncoder().encodeToString(out) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The directory in {@code data}, refused unless sealed with this cluster's secret. */
    private static byte[] gzip(byte[] plain) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(plain.length / 4 + 64);
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
            z.write(plain);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** At most 64 MiB of plain text: a sealed node cannot make a node run out of memory. */
    private static byte[] gunzip(byte[] compressed) throws java.io.IOException {
        try (java.util.zip.GZIPInputStream z = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(compressed))) {
            byte[] plain = z.readNBytes(64 << 20);
            if (z.read() >= 0) {
                throw new java.io.IOException("more than 64 MiB");
            }
            return plain;
        }
    }

    Sealed open(byte[] data) {
        String source = "ZooKeeper node " + path;
        String text = new String(data == null ? new byte[0] : data, StandardCharsets.UTF_8);
        boolean gzipped = text.startsWith(SEALED_GZIP);
        if (text.startsWith(SEALED) || gzipped) {
            String plain = null;
            try {
                byte[] in = java.util.Base64.getDecoder().decode(text.substring(gzipped ? SEALED_GZIP.length() : SEALED.length()).trim());
                javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(javax.crypto.Cipher.DECRYPT_MODE, key, new javax.crypto.spec.GCMParameterSpec(128, in, 0, NONCE_BYTES));
                cipher.updateAAD(associated);
                byte[] opened = cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
                plain = new String(gzipped ? gunzip(opened) : opened, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException | java.security.GeneralSecurityException | java.io.IOException e) {
                // not Base64, too short, or altered: the tag does not verify
            }
            int newline = plain == null ? -1 : plain.indexOf('\n');
            if (newline > 0 && plain.startsWith(GENERATION)) {
                return new Sealed(Long.parseLong(plain.substring(GENERATION.length(), newline)), Directory.decode(plain.substring(newline + 1), source));
            }
        }
        throw new IllegalStateException(source + " is not sealed with this cluster's secret: refused");
    }

    /**
     * A 256-bit AES key from the cluster secret, stretched (PBKDF2, 200,000 rounds) because the sealed directory can be
     * read by whoever reaches ZooKeeper, who could otherwise try guesses of a short secret quickly.
     */
    private static javax.crypto.spec.SecretKeySpec sealingKey(String secret) {
        try {
            javax.crypto.SecretKeyFactory factory = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            byte[] key = factory.generateSecret(new javax.crypto.spec.PBEKeySpec(secret.toCharArray(),
                    "junction directory sealing key v1".getBytes(StandardCharsets.UTF_8), 200_000, 256)).getEncoded();
            return new javax.crypto.spec.SecretKeySpec(key, "AES");
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

}
