package io.junction.poll.snmp;

import io.junction.poll.profile.Profile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.Variable;

/** A table's rows as they come in, by instance, in index order. */
final class TableRows {
    private final Profile.Table table;
    private final Map<OID, Map<String, Variable>> rows = new TreeMap<>();

    TableRows(Profile.Table table) {
        this.table = table;
    }

    Profile.Table table() {
        return table;
    }

    int size() {
        return rows.size();
    }

    void put(OID instance, String column, Variable value) {
        rows.computeIfAbsent(instance, i -> new LinkedHashMap<>()).put(column, value);
    }

    /** Each row's values in column order; a fallback column only where its twin is missing. */
    void emit(List<PollResult.Value> out) {
        for (Map.Entry<OID, Map<String, Variable>> row : rows.entrySet()) {
            Map<String, Variable> cells = row.getValue();
            String label = table.label() == null || cells.get(table.label()) == null ? "" : String.valueOf(Variables.value(cells.get(table.label())));
            String instance = row.getKey().toDottedString();
            for (Profile.Metric c : table.columns()) {
                Variable v = cells.get(c.name());
                String twin = table.fallbacks().get(c.name());
                if (v == null || (twin != null && cells.containsKey(twin))) {
                    continue;
                }
                out.add(new PollResult.Value(c.name(), instance, label, Variables.type(v), Variables.value(v)));
            }
        }
    }
}
