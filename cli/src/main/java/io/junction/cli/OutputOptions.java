package io.junction.cli;

import io.junction.client.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --json} for every command, and the one place that renders results as tables or JSON. */
final class OutputOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--json", description = "Print machine-readable JSON instead of tables and sentences.")
    boolean json;

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** A sentence for people, or the given object as JSON. */
    void result(String human, Map<String, ?> machine) {
        out().println(json ? Json.write(machine) : human);
        out().flush();
    }

    /** A line for people; nothing with --json. */
    void line(String human) {
        if (!json) {
            out().println(human);
            out().flush();
        }
    }

    /** A table for people, or the rows as a JSON array of objects keyed by {@code keys}. */
    void table(List<String> headers, List<String> keys, List<List<Object>> rows) {
        if (json) {
            List<Map<String, Object>> objects = new ArrayList<>();
            for (List<Object> row : rows) {
                Map<String, Object> o = new LinkedHashMap<>();
                for (int i = 0; i < keys.size(); i++) {
                    o.put(keys.get(i), row.get(i));
                }
                objects.add(o);
            }
            out().println(Json.write(objects));
        } else {
            int[] widths = new int[headers.size()];
            for (int i = 0; i < headers.size(); i++) {
                widths[i] = headers.get(i).length();
                for (List<Object> row : rows) {
                    widths[i] = Math.max(widths[i], String.valueOf(row.get(i)).length());
                }
            }
            printRow(headers.stream().map(h -> (Object) h).toList(), widths);
            rows.forEach(row -> printRow(row, widths));
        }
        out().flush();
    }

    private void printRow(List<Object> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = String.valueOf(cells.get(i));
            boolean numeric = cells.get(i) instanceof Number;
            String pad = " ".repeat(widths[i] - cell.length());
            line.append(numeric ? pad + cell : cell + pad);
            if (i < cells.size() - 1) {
                line.append("  ");
            }
        }
        out().println(line.toString().stripTrailing());
    }
}
