package io.junction.inventory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Devices as CSV (RFC 4180: fields with commas, quotes or line breaks in double quotes, a quote doubled inside them).
 * The first line names the columns, any of {@link DeviceSpec#FIELDS} in any order, {@code name}, {@code site} and
 * {@code address} among them; an empty cell takes the field's default. Lines starting with {@code #} are comments.
 * Reading checks every row and refuses the whole file at the first bad one, naming its line: an import is all or
 * nothing.
 */
public final class DeviceCsv {
    /** More rows than this in one file are refused: one import is one change of the inventory. */
    public static final int MAX_ROWS = 100_000;

    private DeviceCsv() {
    }

    /** One data line of a file: its line number and its fields as written (empty cells left out). */
    public record Row(int line, Map<String, String> fields) {
    }

    /** The data lines of {@code text}, checked against the header; each row's values are checked by {@link DeviceSpec}. */
    public static List<Row> rows(String text) {
        List<Record> records = parse(text);
        if (records.isEmpty()) {
            throw new IllegalArgumentException("line 1: no header: expected a line naming the columns, e.g. name,site,address,community");
        }
        List<String> header = records.get(0).cells().stream().map(String::trim).toList();
        int headerLine = records.get(0).line();
        for (String column : header) {
            if (!DeviceSpec.FIELDS.contains(column)) {
                throw new IllegalArgumentException("line " + headerLine + ": unknown column '" + column + "': the columns are "
                        + String.join(", ", DeviceSpec.FIELDS));
            }
        }
        for (String required : List.of("name", "site", "address")) {
            if (!header.contains(required)) {
                throw new IllegalArgumentException("line " + headerLine + ": the header lacks the column '" + required + "'");
            }
        }
        if (new HashSet<>(header).size() != header.size()) {
            throw new IllegalArgumentException("line " + headerLine + ": a column is named twice");
        }
        if (records.size() - 1 > MAX_ROWS) {
            throw new IllegalArgumentException("more than " + MAX_ROWS + " devices in one file: split it");
        }
        List<Row> rows = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int r = 1; r < records.size(); r++) {
            List<String> cells = records.get(r).cells();
            int line = records.get(r).line();
            if (cells.size() != header.size()) {
                throw new IllegalArgumentException("line " + line + ": " + cells.size() + " fields where the header names " + header.size());
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (int c = 0; c < header.size(); c++) {
                if (!cells.get(c).isBlank()) {
                    fields.put(header.get(c), cells.get(c).trim());
                }
            }
            if (!names.add(fields.getOrDefault("name", ""))) {
                throw new IllegalArgumentException("line " + line + ": device name '" + fields.get("name") + "' appears twice in the file");
            }
            rows.add(new Row(line, fields));
        }
        return rows;
    }

    /**
     * The devices of {@code text} for {@code tenant}, each made by {@code make} from its row (which may merge it with
     * a stored device); a refused row, or two rows with one site, address and port, name their line.
     */
    public static List<DeviceSpec> read(String tenant, String text, java.util.function.Function<Map<String, String>, DeviceSpec> make) {
        List<DeviceSpec> devices = new ArrayList<>();
        Map<String, Integer> identities = new java.util.HashMap<>();
        for (Row row : rows(text)) {
            DeviceSpec device;
            try {
                device = make.apply(row.fields());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + row.line() + ": " + e.getMessage());
            }
            Integer other = identities.putIfAbsent(device.identity(), row.line());
            if (other != null) {
                throw new IllegalArgumentException("line " + row.line() + ": " + device.get("address") + ":" + device.get("port") + " in site "
                        + device.site() + " is also on line " + other);
            }
            devices.add(device);
        }
        return devices;
    }

    /** {@link #read(String, String, java.util.function.Function)} of new devices. */
    public static List<DeviceSpec> read(String tenant, String text) {
        return read(tenant, text, fields -> new DeviceSpec(tenant, fields));
    }

    /** The devices as CSV with every column; the secrets as {@value DeviceSpec#HIDDEN} unless {@code withSecrets}. */
    public static String write(List<DeviceSpec> devices, boolean withSecrets) {
        StringBuilder out = new StringBuilder(String.join(",", DeviceSpec.FIELDS)).append('\n');
        for (DeviceSpec d : devices) {
            Map<String, String> f = d.fields(withSecrets);
            List<String> cells = new ArrayList<>();
            for (String field : DeviceSpec.FIELDS) {
                cells.add(quote(f.get(field)));
            }
            out.append(String.join(",", cells)).append('\n');
        }
        return out.toString();
    }

    private static String quote(String v) {
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r") || v.startsWith("#")) {
            return "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }

    /** A CSV record and the line it starts on. */
    private record Record(int line, List<String> cells) {
    }

    private static List<Record> parse(String text) {
        List<Record> records = new ArrayList<>();
        int line = 1;
        int i = 0;
        int n = text.length();
        while (i < n) {
            int startLine = line;
            // a comment or blank line
            int eol = text.indexOf('\n', i);
            String raw = text.substring(i, eol < 0 ? n : eol).replace("\r", "");
            if (raw.isBlank() || raw.startsWith("#")) {
                i = eol < 0 ? n : eol + 1;
                line++;
                continue;
            }
            List<String> cells = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            boolean end = false;
            while (!end) {
                if (i >= n) {
                    if (quoted) {
                        throw new IllegalArgumentException("line " + startLine + ": a quoted field is not closed");
                    }
                    cells.add(cell.toString());
                    end = true;
                    continue;
                }
                char c = text.charAt(i++);
                if (quoted) {
                    if (c == '"') {
                        if (i < n && text.charAt(i) == '"') {
                            cell.append('"');
                            i++;
                        } else {
                            quoted = false;
                        }
                    } else {
                        if (c == '\n') {
                            line++;
                        }
                        cell.append(c);
                    }
                } else if (c == '"' && cell.toString().isBlank()) {
                    cell.setLength(0);
                    quoted = true;
                } else if (c == ',') {
                    cells.add(cell.toString());
                    cell.setLength(0);
                } else if (c == '\n') {
                    line++;
                    cells.add(cell.toString());
                    end = true;
                } else if (c != '\r') {
                    cell.append(c);
                }
            }
            records.add(new Record(startLine, cells));
        }
        return records;
    }
}
