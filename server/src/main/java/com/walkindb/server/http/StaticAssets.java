package com.walkindb.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Files the server ships inside its jar: the OpenAPI document, {@code /llms.txt} and the playground
 * ({@code /} and {@code /playground/...}). Loaded from the classpath on first use and kept, with an
 * ETag so browsers revalidate cheaply;
 * paths are checked against a strict pattern first, so nothing outside those folders is served.
 */
final class StaticAssets {
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "json", "application/json", "svg", "image/svg+xml",
            "png", "image/png", "ico", "image/x-icon", "map", "application/json", "txt", "text/plain; charset=utf-8");

    /** A file and its validator (a hash of its bytes), so browsers revalidate instead of guessing. */
    private record Asset(byte[] bytes, String type, String etag) {}

    /** Made from docs/API.md when first asked for ({@link LlmsText}). */
    static final String LLMS_TXT = "/llms.txt";

    private final Map<String, Asset> loaded = new ConcurrentHashMap<>();

    /** True when the path names a file under /playground/ that may exist. */
    static boolean isPlaygroundPath(String path) {
        return path.startsWith("/playground/") && path.length() <= 200
                && path.matches("/playground/[A-Za-z0-9_-][A-Za-z0-9._/-]*")
                && !path.contains("..") && !path.contains("//");
    }

    /** Writes the resource, or returns false when there is none. */
    boolean serve(String resource, boolean html, Request request, Response response, Callback callback) {
        Asset asset = loaded.get(resource);
        if (asset == null) {
            asset = load(resource);
            if (asset == null) {
                return false;
            }
            loaded.put(resource, asset);
        }
        var h = response.getHeaders();
        h.put("X-Content-Type-Options", "nosniff");
        h.put("Referrer-Policy", "no-referrer");
        if (html || resource.startsWith("/playground/")) {
            h.put("Content-Security-Policy", CSP);
        }
        // Always revalidate (cheap: 304 by ETag), so a page and its modules never mix two builds.
        h.put(HttpHeader.CACHE_CONTROL, "no-cache");
        h.put(HttpHeader.ETAG, asset.etag());
        if (asset.etag().equals(request.getHeaders().get(HttpHeader.IF_NONE_MATCH))) {
            response.setStatus(304);
            callback.succeeded();
            return true;
        }
        response.setStatus(200);
        h.put(HttpHeader.CONTENT_TYPE, asset.type());
        h.put(HttpHeader.CONTENT_LENGTH, asset.bytes().length);
        response.write(true, ByteBuffer.wrap(asset.bytes()), callback);
        return true;
    }

    private static Asset load(String resource) {
        boolean llms = resource.equals(LLMS_TXT);
        try (InputStream in = StaticAssets.class.getResourceAsStream(llms ? "/docs/API.md" : resource)) {
            if (in == null) {
                return null;
            }
            String ext = resource.substring(resource.lastIndexOf('.') + 1);
            byte[] bytes = in.readAllBytes();
            if (llms) {
                bytes = LlmsText.from(new String(bytes, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            }
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            String etag = "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
            return new Asset(bytes, TYPES.getOrDefault(ext, "application/octet-stream"), etag);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
