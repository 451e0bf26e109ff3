package com.walkindb.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Files the server ships inside its jar: the OpenAPI document and the playground
 * ({@code /} and {@code /playground/...}). Loaded from the classpath on first use and kept;
 * paths are checked against a strict pattern first, so nothing outside those folders is served.
 */
final class StaticAssets {
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "json", "application/json", "svg", "image/svg+xml",
            "png", "image/png", "ico", "image/x-icon", "map", "application/json", "txt", "text/plain; charset=utf-8");

    private record Asset(byte[] bytes, String type) {}

    private final Map<String, Asset> loaded = new ConcurrentHashMap<>();

    /** True when the path names a file under /playground/ that may exist. */
    static boolean isPlaygroundPath(String path) {
        return path.startsWith("/playground/") && path.length() <= 200
                && path.matches("/playground/[A-Za-z0-9_-][A-Za-z0-9._/-]*")
                && !path.contains("..") && !path.contains("//");
    }

    /** Writes the resource, or returns false when there is none. */
    boolean serve(String resource, boolean html, Response response, Callback callback) {
        Asset asset = loaded.get(resource);
        if (asset == null) {
            asset = load(resource);
            if (asset == null) {
                return false;
            }
            loaded.put(resource, asset);
        }
        var h = response.getHeaders();
        response.setStatus(200);
        h.put(HttpHeader.CONTENT_TYPE, asset.type());
        h.put(HttpHeader.CONTENT_LENGTH, asset.bytes().length);
        h.put("X-Content-Type-Options", "nosniff");
        h.put("Referrer-Policy", "no-referrer");
        if (html || resource.startsWith("/playground/")) {
            h.put("Content-Security-Policy", CSP);
        }
        // The page itself must pick up a new build at once; its assets may be cached briefly.
        h.put(HttpHeader.CACHE_CONTROL, html || resource.endsWith(".json") ? "no-cache" : "public, max-age=300");
        response.write(true, ByteBuffer.wrap(asset.bytes()), callback);
        return true;
    }

    private static Asset load(String resource) {
        try (InputStream in = StaticAssets.class.getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            String ext = resource.substring(resource.lastIndexOf('.') + 1);
            return new Asset(in.readAllBytes(), TYPES.getOrDefault(ext, "application/octet-stream"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
