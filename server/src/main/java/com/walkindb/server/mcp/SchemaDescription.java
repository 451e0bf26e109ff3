package com.walkindb.server.mcp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** walkindb_schema's result (without session fields) from the rows of tools.json's schema query. */
public final class SchemaDescription {
    private SchemaDescription() {}

    /**
     * {@code rows}: type, name, table, sql, then position and column fields (null when the object
     * has none), ordered by name and position. {@code errors}: why an object's columns could not be read.
     */
    public static Map<String, Object> build(List<List<Object>> rows, Map<String, String> errors) {
        Map<String, Map<String, Object>> objects = new LinkedHashMap<>();
        for (List<Object> r : rows) {
            String type = (String) r.get(0);
            String name = (String) r.get(1);
            Map<String, Object> obj = objects.get(name);
            if (obj == null) {
                obj = new LinkedHashMap<>();
                obj.put("type", type);
                obj.put("name", name);
                obj.put("table", r.get(2));
                obj.put("sql", r.get(3));
                obj.put("columns", new ArrayList<>());
                objects.put(name, obj);
            }
            if (r.get(4) == null) {
                continue; // LEFT JOIN without columns
            }
            List<Object> columns = McpTools.list(obj.get("columns"));
            if (type.equals("index")) {
                columns.add(r.get(5) == null ? "<expression>" : r.get(5));
            } else {
                Map<String, Object> col = new LinkedHashMap<>();
                col.put("name", String.valueOf(r.get(5)));
                col.put("type", r.get(6) == null ? "" : String.valueOf(r.get(6)));
                col.put("notnull", truthy(r.get(7)));
                col.put("default", r.get(8) == null ? null : String.valueOf(r.get(8)));
                col.put("pk", r.get(9) instanceof Number n ? n.longValue() : 0L);
                columns.add(col);
            }
        }
        List<Object> tables = new ArrayList<>();
        List<Object> views = new ArrayList<>();
        List<Object> indexes = new ArrayList<>();
        List<Object> triggers = new ArrayList<>();
        for (Map<String, Object> o : objects.values()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", o.get("name"));
            String type = (String) o.get("type");
            switch (type) {
                case "table", "view" -> {
                    out.put("columns", o.get("columns"));
                    out.put("sql", o.get("sql"));
                    String error = errors.get((String) o.get("name"));
                    if (error != null) {
                        out.put("error", error);
                    }
                    (type.equals("table") ? tables : views).add(out);
                }
                case "index" -> {
                    out.put("table", o.get("table"));
                    out.put("columns", o.get("columns"));
                    out.put("sql", o.get("sql"));
                    indexes.add(out);
                }
                case "trigger" -> {
                    out.put("table", o.get("table"));
                    out.put("sql", o.get("sql"));
                    triggers.add(out);
                }
                default -> { /* nothing else is listed */ }
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("tables", tables);
        result.put("views", views);
        result.put("indexes", indexes);
        result.put("triggers", triggers);
        return result;
    }

    private static boolean truthy(Object v) {
        return v instanceof Number n ? n.doubleValue() != 0 : v instanceof Boolean b ? b : v != null && !"".equals(v);
    }
}
