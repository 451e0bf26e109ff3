package com.walkindb.server.session;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Set;

/**
 * Reads and writes the secrets file. Format: four lines of US-ASCII, each ending in LF,
 * nothing else:
 * <pre>
 * walkindb-hmac-secrets 1
 * day YYYY-MM-DD
 * current &lt;32 bytes, base64url without padding: 43 chars&gt;
 * previous &lt;43 chars&gt;
 * </pre>
 * Reading is strict: any other shape, a non-regular file or a mode other than 0600 is an
 * {@link IOException} naming the file (and never quoting its content). Writing goes to a
 * 0600 temp file beside it, is forced to disk, then atomically renamed over the old file,
 * so a crash leaves either the old or the new pair, never half of one.
 */
final class SecretsFile {
    static final String NAME = "hmac-secrets";
    static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
    private static final String HEADER = "walkindb-hmac-secrets 1";
    private static final int MAX_BYTES = 256;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private SecretsFile() {
    }

    static SecretPair read(Path file) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
            throw new IOException("HMAC secrets file " + file + " is not a regular file");
        }
        if (!attributes.permissions().equals(OWNER_READ_WRITE)) {
            throw new IOException("HMAC secrets file " + file + " must have mode 0600 (rw-------) but has "
                    + PosixFilePermissions.toString(attributes.permissions()));
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        return parse(new String(bytes, StandardCharsets.US_ASCII), file);
    }

    /** Writes the pair; a failure is an {@link IOException} naming the file and the system's reason. */
    static void write(Path file, SecretPair pair) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            // A crash between create and move leaves a temp file; it holds nothing we need.
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
            // The umask may have narrowed the mode at creation; the file must be exactly 0600.
            Files.setPosixFilePermissions(temp, OWNER_READ_WRITE);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer content = ByteBuffer.wrap(format(pair).getBytes(StandardCharsets.US_ASCII));
                while (content.hasRemaining()) {
                    channel.write(content);
                }
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new IOException("cannot write HMAC secrets file " + file + ": " + reason(e), e);
        }
    }

    /** The system's words for a failure ("No space left on device"), without repeating the path. */
    static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    static String format(SecretPair pair) {
        return HEADER + "\n"
                + "day " + pair.day() + "\n"
                + "current " + ENCODER.encodeToString(pair.current()) + "\n"
                + "previous " + ENCODER.encodeToString(pair.previous()) + "\n";
    }

    static SecretPair parse(String text, Path file) throws IOException {
        if (text.length() > MAX_BYTES) {
            throw corrupt(file, "it is longer than " + MAX_BYTES + " bytes");
        }
        String[] lines = text.split("\n", -1);
        if (lines.length != 5 || !lines[4].isEmpty()) {
            throw corrupt(file, "it must be exactly four lines, each ending in a newline");
        }
        if (!lines[0].equals(HEADER)) {
            throw corrupt(file, "line 1 must be '" + HEADER + "'");
        }
        LocalDate day = parseDay(value(lines[1], "day ", 2, file), file);
        byte[] current = parseSecret(value(lines[2], "current ", 3, file), 3, file);
        byte[] previous = parseSecret(value(lines[3], "previous ", 4, file), 4, file);
        return new SecretPair(day, current, previous);
    }

    private static String value(String line, String key, int lineNumber, Path file) throws IOException {
        if (!line.startsWith(key)) {
            throw corrupt(file, "line " + lineNumber + " must start with '" + key + "'");
        }
        return line.substring(key.length());
    }

    private static LocalDate parseDay(String text, Path file) throws IOException {
        // LocalDate.parse alone would also take "+12345-01-01"; the file only ever holds 10 chars.
        if (text.length() == 10) {
            try {
                return LocalDate.parse(text);
            } catch (DateTimeParseException e) {
                // reported below, without the text
            }
        }
        throw corrupt(file, "line 2 must hold a date as YYYY-MM-DD");
    }

    private static byte[] parseSecret(String text, int lineNumber, Path file) throws IOException {
        byte[] secret = new byte[SecretPair.SECRET_BYTES];
        if (!Base64Url.decode(text, 0, secret)) {
            throw corrupt(file, "line " + lineNumber + " must hold " + SecretPair.SECRET_BYTES
                    + " bytes in canonical base64url without padding");
        }
        return secret;
    }

    private static IOException corrupt(Path file, String reason) {
        return new IOException("corrupt HMAC secrets file " + file + ": " + reason);
    }
}
