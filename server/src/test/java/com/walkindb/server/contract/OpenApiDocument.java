package com.walkindb.server.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.AnnotationKeyword;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.walkindb.server.testing.Reply;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The served OpenAPI document, read the way a client generator would: operations, their
 * responses (following {@code $ref}s), and the JSON Schemas of bodies and headers. Schemas are
 * validated with networknt's draft 2020-12 validator, the dialect of OpenAPI 3.1, by loading the
 * whole document under one IRI so that {@code $ref}s between components resolve as written.
 */
final class OpenApiDocument {
    private static final String BASE = "https://walkindb.test/openapi.json";
    /** Headers whose presence the contract governs: present only where documented. */
    static final Set<String> GOVERNED_HEADERS = Set.of("x-walkin-session", "x-walkin-ttl", "retry-after", "allow");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode root;
    private final JsonSchemaFactory factory;

    OpenApiDocument(String text) throws Exception {
        this.root = JSON.readTree(text);
        // The document's own keys (openapi, paths, ...) are not JSON Schema keywords: read them quietly.
        JsonMetaSchema dialect = JsonMetaSchema.builder(JsonMetaSchema.getV202012())
                .unknownKeywordFactory((keyword, context) -> new AnnotationKeyword(keyword))
                .build();
        this.factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                b -> b.metaSchema(dialect).schemaLoaders(l -> l.schemas(Map.of(BASE, text))));
    }

    JsonNode root() {
        return root;
    }

    /** A node found at a JSON pointer, with that pointer. */
    record Located(String pointer, JsonNode node) {}

    /** The operation object, or null when the path or method is not documented. */
    JsonNode operation(String path, String method) {
        JsonNode op = root.path("paths").path(path).path(method.toLowerCase(Locale.ROOT));
        return op.isMissingNode() ? null : op;
    }

    /** Statuses documented for an operation. */
    Set<Integer> statuses(String path, String method) {
        Set<Integer> out = new TreeSet<>();
        JsonNode op = operation(path, method);
        if (op != null) {
            op.path("responses").fieldNames().forEachRemaining(s -> out.add(Integer.parseInt(s)));
        }
        return out;
    }

    /**
     * The documented response for a real exchange: the operation's own, or for a method the path
     * does not have (405), the 405 response any of the path's operations documents.
     */
    Located response(String path, String method, int status) {
        String code = Integer.toString(status);
        JsonNode op = operation(path, method);
        if (op != null) {
            return resolve(pointer("paths", path, method.toLowerCase(Locale.ROOT), "responses", code));
        }
        if (status == 405) {
            Iterator<String> methods = root.path("paths").path(path).fieldNames();
            while (methods.hasNext()) {
                String m = methods.next();
                Located r = resolve(pointer("paths", path, m, "responses", code));
                if (r != null) {
                    return r;
                }
            }
        }
        return null;
    }

    /** A response component by name (for answers that belong to no path, e.g. an unknown path). */
    Located componentResponse(String name) {
        return resolve(pointer("components", "responses", name));
    }

    /** Follows $ref chains; null when nothing is at the pointer. */
    Located resolve(String pointer) {
        JsonNode n = root.at(pointer);
        int hops = 0;
        while (!n.isMissingNode() && n.has("$ref")) {
            String ref = n.get("$ref").asText();
            if (!ref.startsWith("#") || ++hops > 10) {
                throw new IllegalStateException("unsupported $ref " + ref + " at " + pointer);
            }
            pointer = ref.substring(1);
            n = root.at(pointer);
        }
        return n.isMissingNode() ? null : new Located(pointer, n);
    }

    /** Problems of a reply against the documented response; empty when it conforms. */
    List<String> check(Located response, Reply reply) {
        List<String> problems = new ArrayList<>();
        checkHeaders(response, reply, problems);
        checkBody(response, reply, problems);
        return problems;
    }

    private void checkHeaders(Located response, Reply reply, List<String> problems) {
        JsonNode documented = response.node().path("headers");
        Set<String> documentedNames = new TreeSet<>();
        documented.fieldNames().forEachRemaining(n -> documentedNames.add(n.toLowerCase(Locale.ROOT)));
        for (Iterator<String> it = documented.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            Located header = resolve(response.pointer() + "/headers/" + escape(name));
            String value = reply.header(name);
            if (value == null) {
                if (header.node().path("required").asBoolean(false)) {
                    problems.add("required header " + name + " is missing");
                }
                continue;
            }
            JsonNode schemaNode = header.node().path("schema");
            JsonNode valueNode = schemaNode.path("type").asText("").equals("integer")
                    || schemaNode.path("const").isNumber() ? integerOrText(value) : TextNode.valueOf(value);
            for (ValidationMessage m : schema(header.pointer() + "/schema").validate(valueNode)) {
                problems.add("header " + name + ": " + value + ": " + m.getMessage());
            }
        }
        for (String name : reply.headers().map().keySet()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (GOVERNED_HEADERS.contains(lower) && !documentedNames.contains(lower)) {
                problems.add("header " + name + " is sent but not documented for this response");
            }
        }
    }

    private void checkBody(Located response, Reply reply, List<String> problems) {
        JsonNode content = response.node().path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            if (!reply.body().isEmpty()) {
                problems.add("no body documented, but got: " + reply.body());
            }
            return;
        }
        String type = reply.header("Content-Type");
        String media = type == null ? "" : type.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (!content.has(media)) {
            problems.add("Content-Type " + type + " is not documented (" + content.properties().stream()
                    .map(Map.Entry::getKey).toList() + ")");
            return;
        }
        JsonNode body;
        if (media.equals("application/json")) {
            try {
                body = JSON.readTree(reply.body());
            } catch (Exception e) {
                problems.add("body is not JSON: " + reply.body());
                return;
            }
        } else {
            body = TextNode.valueOf(reply.body());
        }
        problems.addAll(validate(response.pointer() + "/content/" + escape(media) + "/schema", body));
    }

    /** Validation messages of {@code value} against the schema at {@code pointer}. */
    List<String> validate(String pointer, JsonNode value) {
        return schema(pointer).validate(value).stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    JsonSchema schema(String pointer) {
        return factory.getSchema(SchemaLocation.of(BASE + "#" + pointer));
    }

    private static JsonNode integerOrText(String value) {
        try {
            return LongNode.valueOf(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return TextNode.valueOf(value);
        }
    }

    static String pointer(String... segments) {
        StringBuilder sb = new StringBuilder();
        for (String s : segments) {
            sb.append('/').append(escape(s));
        }
        return sb.toString();
    }

    static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }
}
