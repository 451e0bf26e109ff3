package com.walkindb.server.metrics;

/**
 * The route label of a request: one of a few fixed values, never the raw path (a path is the
 * caller's to choose, and a label per path would let anyone grow the metrics without bound).
 */
enum Route {
    SQL("sql"),
    MCP("mcp"),
    IMPORT("import"),
    EXPORT("db"),
    HEALTHZ("healthz"),
    OPENAPI("openapi"),
    LLMS("llms"),
    PLAYGROUND("playground"),
    OTHER("other");

    final String label;

    Route(String label) {
        this.label = label;
    }

    static Route of(String path) {
        if (path == null) {
            return OTHER;
        }
        return switch (path) {
            case "/sql" -> SQL;
            case "/mcp" -> MCP;
            case "/import" -> IMPORT;
            case "/db" -> EXPORT;
            case "/healthz" -> HEALTHZ;
            case "/openapi.json" -> OPENAPI;
            case "/llms.txt" -> LLMS;
            case "/", "/index.html" -> PLAYGROUND;
            default -> path.startsWith("/playground/") ? PLAYGROUND : OTHER;
        };
    }
}
