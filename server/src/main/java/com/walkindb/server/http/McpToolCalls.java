package com.walkindb.server.http;

import com.walkindb.server.call.BatchRequest;
import com.walkindb.server.call.CallCore;
import com.walkindb.server.call.CallRequest;
import com.walkindb.server.call.CallResult;
import com.walkindb.server.call.Caller;
import com.walkindb.server.call.DataCalls;
import com.walkindb.server.call.Outcome;
import com.walkindb.server.call.Session;
import com.walkindb.server.config.DataIo;
import com.walkindb.server.dataio.DataFiles;
import com.walkindb.server.dataio.DataJob;
import com.walkindb.server.dataio.Spool;
import com.walkindb.server.instance.Walkins;
import com.walkindb.server.json.JsonTree;
import com.walkindb.server.json.StrictText;
import com.walkindb.server.mcp.McpSessions;
import com.walkindb.server.mcp.McpTools;
import com.walkindb.server.mcp.SchemaDescription;
import com.walkindb.server.ratelimit.ClientKey;
import com.walkindb.server.ratelimit.KeyedBudgets;
import com.walkindb.server.ratelimit.Verdict;
import com.walkindb.server.sql.CallOutcome;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP tools of POST /mcp, each through the same call core as POST /sql, /import and GET /db
 * (the admission of step 2 is the endpoint's): the tool's work on the MCP session's walk-in, and
 * its result as MCP's CallToolResult, text for text what the stdio server in {@code mcp/} gives.
 * The caller holds the session's lock.
 */
final class McpToolCalls {
    private static final Logger LOG = LoggerFactory.getLogger(McpToolCalls.class);
    private static final int BUDGET_UNIT = 1024; // the upload budget counts KiB, as POST /import's

    private final CallCore core;
    private final DataCalls data;
    private final DataAnswers answers;
    private final Outcomes outcomes;
    private final DataIo dataIo;
    private final KeyedBudgets<ClientKey> uploads;
    private final Spool spool;
    private final McpTools tools;
    private final JsonTree answerTree = new JsonTree(64, 1000, Integer.MAX_VALUE);

    McpToolCalls(CallCore core, DataCalls data, DataAnswers answers, Outcomes outcomes, DataIo dataIo,
                 KeyedBudgets<ClientKey> uploads, Spool spool, McpTools tools) {
        this.core = core;
        this.data = data;
        this.answers = answers;
        this.outcomes = outcomes;
        this.dataIo = dataIo;
        this.uploads = uploads;
        this.spool = spool;
        this.tools = tools;
    }

    /** What one tool call needs besides its arguments. */
    record Context(McpSessions.Session session, Caller caller, Exchange ex, String baseUrl) {}

    /** Runs the tool {@code name} (one tools.json names) with arguments already checked against its schema. */
    Map<String, Object> call(String name, Map<String, Object> args, Context c) throws InterruptedException {
        return switch (name) {
            case "walkindb_execute" -> execute(args, c);
            case "walkindb_batch" -> batch(args, c);
            case "walkindb_import_csv" -> importCsv(args, c);
            case "walkindb_dump" -> dump(c);
            case "walkindb_schema" -> schema(c);
            case "walkindb_reset" -> reset(c);
            default -> throw new IllegalArgumentException("no tool " + name);
        };
    }

    private Map<String, Object> execute(Map<String, Object> args, Context c) throws InterruptedException {
        String before = c.session().token();
        String sql = (String) args.get("sql");
        c.ex().sqlBytes += StrictText.utf8Length(sql);
        CallResult r = core.run(c.caller(), before, new CallRequest(sql, args.containsKey("args"), args.get("args")));
        reached(r.session(), c);
        if (!(r.outcome() instanceof Outcome.Answered answered)) {
            return failure(error(r.outcome()), before, "execute", c);
        }
        Map<String, Object> structured = answerFields(readAnswer(answered));
        structured.putAll(sessionAfter(before, c));
        List<String> notes = new ArrayList<>();
        if (Boolean.TRUE.equals(structured.get("truncated"))) {
            int n = ((List<?>) structured.get("rows")).size();
            notes.add(tools.text("truncatedExecute", "rows", n + " row" + (n == 1 ? "" : "s")));
        }
        newWalkinNote(structured, notes);
        return ok(structured, notes);
    }

    private Map<String, Object> batch(Map<String, Object> args, Context c) throws InterruptedException {
        String before = c.session().token();
        BatchRequest request = new BatchRequest(args.get("entries"));
        c.ex().sqlBytes += request.sqlBytes();
        CallResult r = core.runBatch(c.caller(), before, request);
        reached(r.session(), c);
        if (!(r.outcome() instanceof Outcome.Answered answered)) {
            return failure(error(r.outcome()), before, "batch", c);
        }
        Map<String, Object> answer = readAnswer(answered);
        List<Object> results = new ArrayList<>();
        List<Integer> cut = new ArrayList<>();
        for (Object o : (List<?>) answer.get("results")) {
            Map<String, Object> one = answerFields(map(o));
            if (Boolean.TRUE.equals(one.get("truncated"))) {
                cut.add(results.size() + 1);
            }
            results.add(one);
        }
        Map<String, Object> structured = new LinkedHashMap<>();
        structured.put("results", results);
        structured.put("truncated", !cut.isEmpty());
        structured.putAll(sessionAfter(before, c));
        List<String> notes = new ArrayList<>();
        if (!cut.isEmpty()) {
            notes.add(tools.text("truncatedBatch", "first", cut.getFirst(), "list",
                    String.join(", ", cut.stream().map(String::valueOf).toList())));
        }
        newWalkinNote(structured, notes);
        return ok(structured, notes);
    }

    private Map<String, Object> importCsv(Map<String, Object> args, Context c) throws InterruptedException {
        String before = c.session().token();
        String table = (String) args.get("table");
        boolean header = !Boolean.FALSE.equals(args.get("header"));
        byte[] csv = ((String) args.get("csv")).getBytes(StandardCharsets.UTF_8);
        if (csv.length > dataIo.maxImportBytes()) {
            return failure(ApiError.importTooLarge(dataIo), before, "import", c);
        }
        if (data.storageFull()) {
            return failure(ApiError.serverStorageFull(), before, "import", c);
        }
        Verdict v = uploads.tryConsume(c.caller().key(), (csv.length + BUDGET_UNIT - 1) / BUDGET_UNIT);
        if (!v.allowed()) {
            return failure(ApiError.importRateLimited(v.retryAfterSeconds()), before, "import", c);
        }
        Path upload = null;
        try {
            try {
                upload = spool.newFile();
                Files.write(upload, csv);
            } catch (IOException e) {
                LOG.warn("cannot spool an MCP import: {}", e.toString());
                return failure(ApiError.serverStorageFull(), before, "import", c);
            }
            DataCalls.Reach reach = data.reach(c.caller(), before);
            reached(reach.session(), c);
            if (reach.stopped() != null) {
                return failure(error(reach.stopped().outcome()), before, "import", c);
            }
            Path spooled = upload;
            Walkins.Attempt attempt = data.run(reach.session(), (dir, run) -> {
                Path moved = null;
                try {
                    moved = Spool.moveInto(spooled, dir);
                    return run.run(new DataJob.ImportCsv(table, header));
                } finally {
                    Spool.deleteQuietly(moved);
                }
            });
            ApiError refused = DataAnswers.refusal(attempt);
            if (refused != null) {
                return failure(refused, before, "import", c);
            }
            CallOutcome outcome = ((Walkins.Attempt.Ran) attempt).outcome();
            ApiError failed = answers.error(outcome, false);
            if (failed != null) {
                return failure(failed, before, "import", c);
            }
            CallOutcome.Success s = (CallOutcome.Success) outcome;
            Map<String, Object> answer;
            try {
                answer = map(answerTree.parse(s.body()));
            } catch (JsonTree.Invalid e) {
                throw new IllegalStateException("the import's own answer is not JSON", e);
            } finally {
                if (s.answerMemory() > 0) {
                    s.release().accept(s.answerMemory());
                }
            }
            Map<String, Object> structured = new LinkedHashMap<>();
            structured.put("table", String.valueOf(answer.get("table")));
            structured.put("columns", answer.get("columns"));
            structured.put("rows_affected", answer.get("rows_affected"));
            structured.putAll(sessionAfter(before, c));
            List<String> notes = new ArrayList<>();
            newWalkinNote(structured, notes);
            return ok(structured, notes);
        } finally {
            Spool.deleteQuietly(upload);
        }
    }

    private Map<String, Object> dump(Context c) throws InterruptedException {
        String before = c.session().token();
        if (before == null) {
            Map<String, Object> empty = new LinkedHashMap<>();
            empty.put("sql", "");
            empty.put("bytes", 0);
            empty.put("session_established", null);
            empty.put("expires_at", null);
            return ok(empty, List.of(tools.text("dumpNoWalkin")));
        }
        if (data.storageFull()) {
            return failure(ApiError.serverStorageFull(), before, "dump", c);
        }
        DataCalls.Reach reach = data.reach(c.caller(), before);
        reached(reach.session(), c);
        if (reach.stopped() != null) {
            return failure(error(reach.stopped().outcome()), before, "dump", c);
        }
        FileChannel[] snapshot = new FileChannel[1];
        Walkins.Attempt attempt = data.run(reach.session(), (dir, job) -> {
            CallOutcome outcome = job.run(new DataJob.Export(true));
            Path file = DataFiles.exportFile(dir, true);
            try {
                if (outcome instanceof CallOutcome.Success) {
                    snapshot[0] = FileChannel.open(file, StandardOpenOption.READ);
                }
            } finally {
                Spool.deleteQuietly(file);
            }
            return outcome;
        });
        ApiError failed = DataAnswers.refusal(attempt);
        if (failed == null) {
            failed = answers.error(((Walkins.Attempt.Ran) attempt).outcome(), true);
        }
        if (failed != null) {
            closeQuietly(snapshot[0]);
            return failure(failed, before, "dump", c);
        }
        String text;
        long size;
        try (FileChannel in = snapshot[0]) {
            size = in.size();
            if (size > tools.dumpMaxBytes()) {
                String refusal = tools.text("dumpTooBig", "size", kb(size), "max", kb(tools.dumpMaxBytes()),
                        "base_url", c.baseUrl());
                return errorResult(refusal);
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining() && in.read(buf) >= 0) {
                // read it all
            }
            text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the dump's snapshot", e);
        }
        Map<String, Object> structured = new LinkedHashMap<>();
        structured.put("sql", text);
        structured.put("bytes", size);
        structured.putAll(sessionNow(c));
        return ok(structured, List.of());
    }

    private Map<String, Object> schema(Context c) throws InterruptedException {
        String before = c.session().token();
        if (before == null) {
            Map<String, Object> empty = new LinkedHashMap<>();
            for (String k : List.of("tables", "views", "indexes", "triggers")) {
                empty.put(k, List.of());
            }
            empty.put("truncated", false);
            empty.put("session_established", null);
            empty.put("expires_at", null);
            return ok(empty, List.of(tools.text("schemaNoWalkin")));
        }
        Map<String, Object> described;
        CallResult r = core.run(c.caller(), before, new CallRequest(tools.schemaSql("all"), false, null));
        reached(r.session(), c);
        if (r.outcome() instanceof Outcome.Answered answered) {
            Map<String, Object> answer = readAnswer(answered);
            described = SchemaDescription.build(rows(answer), Map.of());
            described.put("truncated", Boolean.TRUE.equals(answer.get("truncated")));
        } else {
            ApiError e = error(r.outcome());
            if (e.status() != 400) {
                return failure(e, before, "schema", c);
            }
            Object oneByOne = describeOneByOne(c);
            if (oneByOne instanceof ApiError failed) {
                return failure(failed, before, "schema", c);
            }
            described = map(oneByOne);
        }
        Map<String, Object> structured = new LinkedHashMap<>(described);
        structured.putAll(sessionNow(c));
        List<String> notes = new ArrayList<>();
        if (Boolean.TRUE.equals(structured.get("truncated"))) {
            notes.add(tools.text("schemaTruncated"));
        }
        List<String> broken = new ArrayList<>();
        for (String kind : List.of("tables", "views")) {
            for (Object o : (List<?>) structured.get(kind)) {
                Map<String, Object> obj = map(o);
                if (obj.containsKey("error")) {
                    broken.add((String) obj.get("name"));
                }
            }
        }
        if (!broken.isEmpty()) {
            notes.add(tools.text("schemaBroken", "names", String.join(", ", broken)));
        }
        return ok(structured, notes);
    }

    /** The schema one object at a time (a view on a dropped table fails the one query): the description, or the error. */
    private Object describeOneByOne(Context c) throws InterruptedException {
        String token = c.session().token();
        CallResult listed = core.run(c.caller(), token, new CallRequest(tools.schemaSql("list"), false, null));
        if (!(listed.outcome() instanceof Outcome.Answered listAnswer)) {
            return error(listed.outcome());
        }
        Map<String, Object> list = readAnswer(listAnswer);
        boolean truncated = Boolean.TRUE.equals(list.get("truncated"));
        List<List<Object>> rows = new ArrayList<>();
        Map<String, String> errors = new LinkedHashMap<>();
        for (List<Object> head : rows(list)) {
            String type = (String) head.get(0);
            String name = (String) head.get(1);
            if (type.equals("trigger")) {
                rows.add(padded(head, List.of()));
                continue;
            }
            String sql = tools.schemaSql(type.equals("index") ? "indexInfo" : "tableInfo");
            CallResult r = core.run(c.caller(), token, new CallRequest(sql, true, List.of(name)));
            if (!(r.outcome() instanceof Outcome.Answered answered)) {
                ApiError e = error(r.outcome());
                if (e.status() != 400) {
                    return e;
                }
                errors.put(name, e.message());
                rows.add(padded(head, List.of()));
                continue;
            }
            Map<String, Object> info = readAnswer(answered);
            truncated |= Boolean.TRUE.equals(info.get("truncated"));
            List<List<Object>> infoRows = rows(info);
            if (infoRows.isEmpty()) {
                rows.add(padded(head, List.of()));
            }
            for (List<Object> col : infoRows) {
                rows.add(padded(head, type.equals("index") ? col.subList(0, 2) : col));
            }
        }
        Map<String, Object> described = SchemaDescription.build(rows, errors);
        described.put("truncated", truncated);
        return described;
    }

    /** {@code head} (type, name, table, sql) and {@code rest}, null-padded to the ten columns of the schema query. */
    private static List<Object> padded(List<Object> head, List<Object> rest) {
        List<Object> row = new ArrayList<>(10);
        row.addAll(head.subList(0, 4));
        row.addAll(rest);
        while (row.size() < 10) {
            row.add(null);
        }
        return row;
    }

    private Map<String, Object> reset(Context c) {
        String previous = c.session().token();
        c.session().dropWalkin();
        Map<String, Object> structured = new LinkedHashMap<>();
        structured.put("had_walkin", previous != null);
        structured.put("previous_session", tokenPrefix(previous));
        return ok(structured, List.of(tools.text(previous != null ? "resetHad" : "resetNone")));
    }

    // -------------------------------------------------------------------------------------------

    /** The walk-in the call reached: logged, and kept by the MCP session when the call made it. */
    private static void reached(Session session, Context c) {
        if (session == null) {
            return;
        }
        c.ex().instanceId = session.walkinId().toString();
        if (session.created()) {
            c.session().holdWalkin(session.newToken(), session.expiresAt());
        }
    }

    private ApiError error(Outcome outcome) {
        try {
            return outcomes.error(outcome);
        } catch (RuntimeException bug) {
            LOG.error("internal error in an MCP tool call", bug);
            return ApiError.INTERNAL;
        }
    }

    /** A /sql answer as a tree; its answer memory is given back once it is read. */
    private Map<String, Object> readAnswer(Outcome.Answered answered) {
        try {
            return map(answerTree.parse(answered.answer().body()));
        } catch (JsonTree.Invalid e) {
            throw new IllegalStateException("the server's own answer is not JSON", e);
        } finally {
            answered.answer().release();
        }
    }

    /** The four fields of one result, in the tools' order. */
    private static Map<String, Object> answerFields(Map<String, Object> answer) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("columns", answer.getOrDefault("columns", List.of()));
        out.put("rows", answer.getOrDefault("rows", List.of()));
        out.put("rows_affected", answer.getOrDefault("rows_affected", 0L));
        out.put("truncated", Boolean.TRUE.equals(answer.get("truncated")));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<List<Object>> rows(Map<String, Object> answer) {
        return (List<List<Object>>) answer.getOrDefault("rows", List.of());
    }

    private static Map<String, Object> sessionNow(Context c) {
        Map<String, Object> out = new LinkedHashMap<>();
        String token = c.session().token();
        Instant expires = c.session().walkinExpires();
        out.put("session_established", tokenPrefix(token));
        out.put("expires_at", token == null || expires == null ? null : expires.getEpochSecond());
        return out;
    }

    private static Map<String, Object> sessionAfter(String before, Context c) {
        Map<String, Object> out = sessionNow(c);
        String now = c.session().token();
        out.put("new_walkin", now != null && !now.equals(before));
        return out;
    }

    private void newWalkinNote(Map<String, Object> structured, List<String> notes) {
        if (Boolean.TRUE.equals(structured.get("new_walkin"))) {
            notes.add(structured.get("expires_at") instanceof Long at
                    ? tools.text("newWalkin", "when", Instant.ofEpochSecond(at).toString())
                    : tools.text("newWalkinNoTime"));
        }
    }

    /** The start of a session token: enough to tell two walk-ins apart, never the whole secret. */
    static String tokenPrefix(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        return token.length() > 12 ? token.substring(0, 12) + "…" : token;
    }

    private static Map<String, Object> ok(Map<String, Object> structured, List<String> notes) {
        String json = new String(JsonTree.write(structured), StandardCharsets.UTF_8);
        List<Object> content = new ArrayList<>();
        content.add(textContent(json));
        for (String note : notes) {
            content.add(textContent(note));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("content", content);
        result.put("structuredContent", new JsonTree.Raw(json));
        return result;
    }

    static Map<String, Object> errorResult(String text) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("content", List.of(textContent(text)));
        result.put("isError", true);
        return result;
    }

    private static Map<String, Object> textContent(String text) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", "text");
        c.put("text", text);
        return c;
    }

    /**
     * An error result, worded as the stdio server words it. When the walk-in this session held is
     * gone (expired), the session lets go of it: the next call starts a fresh one, as the advice says.
     */
    private Map<String, Object> failure(ApiError e, String before, String tool, Context c) {
        boolean hadSession = before != null;
        if (hadSession && e.code().equals("instance_not_found") && before.equals(c.session().token())) {
            c.session().dropWalkin();
        }
        return errorResult(errorText(e, hadSession, tool));
    }

    /** First line {@code walkindb error <status>: <message>}, then hint, entry, statement, retry, advice. */
    String errorText(ApiError e, boolean hadSession, String tool) {
        StringBuilder out = new StringBuilder("walkindb error ").append(e.status()).append(": ").append(e.message());
        if (e.hint() != null && !e.hint().isEmpty()) {
            out.append("\nhint: ").append(e.hint());
        }
        if (e.entry() > 0) {
            out.append("\nfailing entry: #").append(e.entry()).append(" of this batch (counting from 1)");
        }
        if (e.statement() > 0) {
            out.append("\nfailing statement: #").append(e.statement()).append(" of ")
                    .append(e.entry() > 0 ? "that entry" : "this call").append(" (counting from 1)");
        }
        if (e.retryAfter() > 0) {
            out.append("\nretry after: ").append(e.retryAfter()).append(" s");
        }
        String next = tools.advice(e.code(), e.status(), e.retryAfter(), e.statement(), e.entry(), hadSession, tool);
        if (next != null) {
            out.append("\nnext: ").append(next);
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    private static String kb(long bytes) {
        return String.format(Locale.US, "%,d KB", (bytes + 1023) / 1024);
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
