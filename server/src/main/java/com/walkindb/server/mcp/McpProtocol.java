package com.walkindb.server.mcp;

import java.util.List;

/** The MCP revisions POST /mcp speaks (docs/API.md, "POST /mcp"), newest first. */
public final class McpProtocol {
    /** The current revision. */
    public static final String LATEST = "2025-11-25";
    /**
     * Also spoken: 2025-06-18, the previous revision (what most hosts sent through 2025), and
     * 2025-03-26, the first with the Streamable HTTP transport, which the transport says to assume
     * when a request names none (and the only one of the three with JSON-RPC batches).
     */
    public static final List<String> SUPPORTED = List.of(LATEST, "2025-06-18", "2025-03-26");
    /** The revision in which a POST body may be a JSON-RPC batch (an array). */
    public static final String WITH_BATCHES = "2025-03-26";

    private McpProtocol() {}

    /** The revision to answer an initialize that asks for {@code requested}: that one when spoken, else the latest. */
    public static String negotiate(Object requested) {
        return requested instanceof String r && SUPPORTED.contains(r) ? r : LATEST;
    }
}
