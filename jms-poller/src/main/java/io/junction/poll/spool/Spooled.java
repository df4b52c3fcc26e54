package io.junction.poll.spool;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One message a poller could not publish: its address, duplicate-detection id, properties and body, and when it was
 * made (epoch ms). Forwarded as it was made, so the bus drops it if the same id was stored meanwhile. {@code note}: what
 * the poller needs back after a restart (a device's state after the poll this record ends), never forwarded; or null.
 */
public record Spooled(long createdAt, String address, String duplicateId, Map<String, String> properties, String body, String note) {
    public Spooled {
        properties = Map.copyOf(properties);
    }

    /** This record with {@code note}. */
    public Spooled withNote(String note) {
        return new Spooled(createdAt, address, duplicateId, properties, body, note);
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + body.length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(createdAt);
            out.writeUTF(address);
            out.writeUTF(duplicateId);
            out.writeInt(properties.size());
            for (Map.Entry<String, String> p : properties.entrySet()) {
                out.writeUTF(p.getKey());
                out.writeUTF(p.getValue());
            }
            byte[] text = body.getBytes(StandardCharsets.UTF_8);
            out.writeInt(text.length);
            out.write(text);
            out.writeBoolean(note != null);
            if (note != null) {
                byte[] n = note.getBytes(StandardCharsets.UTF_8);
                out.writeInt(n.length);
                out.write(n);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Spooled decode(byte[] record) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(record));
        long createdAt = in.readLong();
        String address = in.readUTF();
        String id = in.readUTF();
        int n = in.readInt();
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            properties.put(in.readUTF(), in.readUTF());
        }
        byte[] text = new byte[in.readInt()];
        in.readFully(text);
        String note = null;
        if (in.readBoolean()) {
            byte[] noted = new byte[in.readInt()];
            in.readFully(noted);
            note = new String(noted, StandardCharsets.UTF_8);
        }
        return new Spooled(createdAt, address, id, properties, new String(text, StandardCharsets.UTF_8), note);
    }
}
