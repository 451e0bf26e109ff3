package com.walkindb.server.mcp;

import com.walkindb.server.json.JsonTree;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The MCP tools as {@code mcp/tools.json} defines them (copied into the jar at build time): the
 * definitions tools/list serves, the server's instructions, the notes of results and the advice
 * of error results. The stdio server in {@code mcp/} reads the same file, so the two serve the
 * same text.
 */
public final class McpTools {
    static final String RESOURCE = "/mcp/tools.json";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)\\}");

    private final Map<String, Object> file;
    private final List<Object> tools;

    private McpTools(Map<String, Object> file) {
        this.file = file;
        this.tools = list(file.get("tools"));
    }

    /** The copy in the jar; a jar without it is a broken build. */
    public static McpTools load() {
        try (InputStream in = McpTools.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            Object tree = new JsonTree(64, 100, Integer.MAX_VALUE).parse(in.readAllBytes());
            return new McpTools(map(tree));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JsonTree.Invalid e) {
            throw new IllegalStateException(RESOURCE + " is not JSON: " + e.getMessage(), e);
        }
    }

    /** Every tool definition, as tools/list answers them. */
    public List<Object> tools() {
        return tools;
    }

    /** The tool named {@code name}, or null. */
    public Map<String, Object> tool(String name) {
        for (Object t : tools) {
            if (map(t).get("name").equals(name)) {
                return map(t);
            }
        }
        return null;
    }

    public Map<String, Object> serverInfo() {
        return map(file.get("server"));
    }

    public Map<String, Object> capabilities() {
        return map(file.get("capabilities"));
    }

    public String instructions() {
        return (String) file.get("instructions");
    }

    public int dumpMaxBytes() {
        return ((Number) file.get("dumpMaxBytes")).intValue();
    }

    public int maxBatchEntries() {
        return ((Number) file.get("maxBatchEntries")).intValue();
    }

    /** A note of {@code texts}, its placeholders filled from {@code values} (name, value, ...). */
    public String text(String key, Object... values) {
        return fill((String) map(file.get("texts")).get(key), values);
    }

    /** One of the queries walkindb_schema runs ({@code schemaSql}: all, list, tableInfo, indexInfo). */
    public String schemaSql(String key) {
        return (String) map(file.get("schemaSql")).get(key);
    }

    /**
     * The {@code next:} advice for an error, chosen by its {@code code} (by its status when the
     * code is not listed); null when there is none. {@code tool}: execute, batch, import, dump,
     * schema; {@code hadSession}: this conversation held the walk-in the error is about.
     */
    public String advice(String code, int status, long retryAfter, int statement, int entry, boolean hadSession,
                         String tool) {
        Object entryText = map(file.get("advice")).get(code);
        if (entryText == null) {
            entryText = map(file.get("adviceByStatus")).get(Integer.toString(status));
        }
        if (entryText == null) {
            return null;
        }
        if (entryText instanceof Map<?, ?> variants) {
            String variant = code.equals("instance_not_found") ? (hadSession ? "expired" : "default") : tool;
            Object chosen = variants.get(variant);
            entryText = chosen != null ? chosen : variants.get("default");
        }
        String wait = retryAfter > 0 ? retryAfter + " s" : (String) file.get("defaultWait");
        return fill((String) entryText, "wait", wait, "max_entries", maxBatchEntries(),
                "rolled_back", rolledBack(tool, statement, entry));
    }

    private String rolledBack(String tool, int statement, int entry) {
        Map<String, Object> t = map(file.get("rolledBack"));
        if (tool.equals("batch")) {
            return entry > 1 ? fill((String) t.get("entries"), "earlier", earlier(t, "entries", entry))
                    : (String) t.get("batch");
        }
        return statement > 1 ? fill((String) t.get("statements"), "earlier", earlier(t, "statements", statement)) : "";
    }

    private static String earlier(Map<String, Object> t, String kind, int failing) {
        return failing == 2 ? (String) map(t.get("one")).get(kind)
                : fill((String) map(t.get("many")).get(kind), "last", failing - 1);
    }

    /** {@code template} with each {name} among {@code values} (name, value, ...) replaced; others stay. */
    static String fill(String template, Object... values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 64);
        while (m.find()) {
            String replacement = m.group();
            for (int i = 0; i < values.length; i += 2) {
                if (values[i].equals(m.group(1))) {
                    replacement = String.valueOf(values[i + 1]);
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return (List<Object>) o;
    }
}
