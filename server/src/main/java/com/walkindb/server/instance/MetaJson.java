package com.walkindb.server.instance;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.walkindb.server.json.JsonFactories;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.UUID;

/** meta.json: {"id", "created_at", "expires_at" (unix seconds), "creator_ip"}. */
final class MetaJson {
    private static final JsonFactory JSON = JsonFactories.plain();

    private MetaJson() {}

    static String write(Instance i) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", i.id().toString());
            g.writeNumberField("created_at", i.createdAt().getEpochSecond());
            g.writeNumberField("created_at_ms", i.createdAt().toEpochMilli());
            g.writeNumberField("expires_at", i.expiresAt().getEpochSecond());
            g.writeNumberField("expires_at_ms", i.expiresAt().toEpochMilli());
            g.writeStringField("creator_ip", i.creator());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static Instance read(String text) throws IOException {
        String id = null, creator = null;
        long created = -1, expires = -1;
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "id" -> id = p.getValueAsString();
                    case "created_at_ms" -> created = p.getValueAsLong(-1);
                    case "expires_at_ms" -> expires = p.getValueAsLong(-1);
                    case "creator_ip" -> creator = p.getValueAsString();
                    default -> p.skipChildren();
                }
            }
        }
        if (id == null || created < 0 || expires < 0) {
            return null;
        }
        return new Instance(UUID.fromString(id), Instant.ofEpochMilli(created), Instant.ofEpochMilli(expires), creator);
    }
}
