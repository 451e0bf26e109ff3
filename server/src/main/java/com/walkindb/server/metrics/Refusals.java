package com.walkindb.server.metrics;

import com.walkindb.server.http.ApiError;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts error answers by their {@code code} (the error table of docs/API.md: each 429 budget,
 * each 503 kind, 507, the 408s, 404s, ...), and the SQL the keyword filter or the authorizer
 * refused by category. Codes are compile-time constants of {@link ApiError}, so the label set
 * is bounded; categories are folded to a fixed list (a refused function's or pragma's name is
 * the caller's choice and never becomes a label).
 */
final class Refusals {
    /** Shown as 0 from the start, so that rates and alerts have a series before the first refusal. */
    static final List<String> PRESET = List.of("rate_limited", "new_instance_rate_limited", "too_many_live_instances",
            "instance_rate_limited", "server_busy", "instance_busy", "server_storage_full", "server_draining",
            "storage_quota_exceeded", "timeout", "request_body_timeout", "instance_not_found", "not_found",
            "forbidden_sql", "forbidden_sql_keyword", "internal_error");
    /** What the keyword filter reports, by name (see sql.filter.KeywordFilter). */
    private static final Set<String> KEYWORDS = Set.of("attach", "detach", "load_extension", "readfile", "writefile",
            "edit", "sqlite_dbpage", "zipfile", "unzip");

    /** The authorizer's categories, as {@link #authorizerCategory} folds them. */
    private static final List<String> AUTHORIZER = List.of("function", "pragma", "temp_object", "virtual_table",
            "attach", "detach", "other");

    private final Counter byCode;
    private final Counter sql;
    private final ConcurrentHashMap<String, CounterDataPoint> codes = new ConcurrentHashMap<>();

    Refusals(PrometheusRegistry registry) {
        this.byCode = Counter.builder().name("walkindb_refusals_total")
                .help("Error answers by their code in the error table (docs/API.md)")
                .labelNames("code").withoutExemplars().register(registry);
        this.sql = Counter.builder().name("walkindb_sql_refusals_total")
                .help("SQL refused before it ran, by who refused it (keyword_filter, authorizer) and a fixed category")
                .labelNames("by", "category").withoutExemplars().register(registry);
        for (String code : PRESET) {
            codes.put(code, byCode.labelValues(code));
        }
        for (String keyword : KEYWORDS) {
            sql.labelValues("keyword_filter", keyword);
        }
        sql.labelValues("keyword_filter", "fts5_function");
        for (String category : AUTHORIZER) {
            sql.labelValues("authorizer", category);
        }
    }

    /** One error answer: its {@code code} and {@code message} as {@link ApiError} has them. */
    void count(String code, String message) {
        CounterDataPoint point = codes.get(code);
        if (point == null) {
            point = codes.computeIfAbsent(code, byCode::labelValues);
        }
        point.inc();
        switch (code) {
            case "forbidden_sql_keyword" -> sql.labelValues("keyword_filter", keywordCategory(detail(message))).inc();
            case "forbidden_sql" -> sql.labelValues("authorizer", authorizerCategory(detail(message))).inc();
            default -> { }
        }
    }

    /** What follows "forbidden sql: " or "forbidden sql keyword: " in the message. */
    private static String detail(String m) {
        int colon = m.indexOf(": ");
        return colon < 0 ? "" : m.substring(colon + 2);
    }

    static String keywordCategory(String keyword) {
        String k = keyword.toLowerCase(Locale.ROOT);
        if (KEYWORDS.contains(k)) {
            return k;
        }
        return k.startsWith("fts5_") ? "fts5_function" : "other";
    }

    /** The authorizer's refusals (sql.CallAuthorizer) as "function", "pragma", "temp_object", ... */
    static String authorizerCategory(String what) {
        if (what.startsWith("function ")) {
            return "function";
        }
        if (what.startsWith("PRAGMA ")) {
            return "pragma";
        }
        if (what.startsWith("TEMP ")) {
            return "temp_object";
        }
        if (what.startsWith("virtual table module ")) {
            return "virtual_table";
        }
        return switch (what) {
            case "ATTACH" -> "attach";
            case "DETACH" -> "detach";
            default -> "other";
        };
    }
}
