package com.walkindb.server.abuse;

import static com.walkindb.server.abuse.AbuseDiskGuardTest.expectServerFull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.walkindb.server.testing.Reply;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Goal: <b>fill the data volume for real</b> — a 40 MB tmpfs as the data directory, filled with
 * 9 MB walk-ins past the disk guard and then to the last byte, and the server restarted on it.
 *
 * <p>What must hold: no 500 anywhere; past the guard, new walk-ins and writes answer
 * {@code 503 server storage full} (never 507, which is the caller's own 10 MB cap) and leave
 * nothing behind; reads go on; the server starts again on the full volume, serves reads, and its
 * sweeper frees expired walk-ins so space comes back; every access-log line is one whole JSON
 * object although the log ran out of space mid-write; a fresh data directory on the full volume
 * fails start-up with one line naming the file and the reason, leaving no partial file.
 *
 * <p>Needs {@code mount -t tmpfs} (root); without it the case is skipped, loudly.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AbuseFullVolumeTest extends AbuseSuite {
    static final long MIB = 1024 * 1024;

    /** Mounts a 40 MB tmpfs on a new directory; null (and says why on stderr) when that is not allowed. */
    static Path mountTmpfs() throws Exception {
        Path dir = Files.createTempDirectory("walkindb-full-volume");
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            Files.deleteIfExists(dir);
            System.err.println("SKIPPED AbuseFullVolumeTest: cannot mount a tmpfs (needs root): " + out.trim());
            return null;
        }
        return dir;
    }

    static void unmount(Path dir) throws Exception {
        Process p = new ProcessBuilder("umount", dir.toString()).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            new ProcessBuilder("umount", "-l", dir.toString()).start().waitFor(30, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(dir);
    }

    /** Writes a file until the volume has no byte left. */
    static void fillTheRest(Path file) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            assertThat(full.getMessage()).contains("No space left on device");
        }
        byte[] one = new byte[4096];
        try (OutputStream out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.APPEND)) {
            for (int i = 0; i < 64; i++) {
                out.write(one, 0, 1 << (i % 12)); // what is left in the last pages
                out.flush();
            }
        } catch (IOException full) {
            // the last bytes are taken
        }
    }

    private static long usable(Path dir) throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    private static long count(OwnServer s, String token) {
        return scalar(s.http.sql("SELECT count(*) FROM t", token)).asLong();
    }

    @Test
    void aFullVolumeNeverAnswers500AndTheServerRestartsOnItAndRecovers() throws Exception {
        Path volume = mountTmpfs();
        Assumptions.assumeTrue(volume != null, "cannot mount a tmpfs: the real full-volume case did not run");
        try {
            Path data = volume.resolve("data");
            // The defaults: the guard at min(1 GiB, 5 % of 40 MB) = 2 MB.
            OwnServer first = ownServerIn(data, Map.of());
            String tiny = first.http.sql("CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB); INSERT INTO t(b) VALUES (1)")
                    .session();
            assertThat(tiny).isNotNull();

            // 9 MB walk-ins until the volume refuses: 5 calls of 450 rows of 4000 bytes each.
            Map<String, Long> rows = new LinkedHashMap<>();
            Reply refused = null;
            fill:
            for (int w = 0; w < 8; w++) {
                Reply created = first.http.sql("CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB)");
                if (created.status() != 200) {
                    refused = created;
                    break;
                }
                rows.put(created.session(), 0L);
                for (int call = 0; call < 5; call++) {
                    Reply a = first.http.sql(counter(450) + "INSERT INTO t(b) SELECT randomblob(4000) FROM c",
                            created.session());
                    if (a.status() != 200) {
                        refused = a;
                        break fill;
                    }
                    rows.merge(created.session(), 450L, Long::sum);
                }
            }
            assertThat(refused).as("the volume filled up").isNotNull();
            expectServerFull(refused);
            Stats.line("full volume: " + rows.size() + " walk-ins, " + usable(volume) / 1024 + " KiB free after the "
                    + "first refusal");

            // To the last byte, from outside the server; then everything that needs space is refused.
            fillTheRest(volume.resolve("filler"));
            long dirs = first.server.instanceDirs();
            expectServerFull(first.http.sql("SELECT 1"));
            assertThat(first.server.instanceDirs()).as("a refused walk-in leaves no directory").isEqualTo(dirs);
            expectServerFull(first.http.sql("INSERT INTO t(b) VALUES (2)", tiny));
            expectServerFull(first.http.sql("CREATE TABLE more(x)", tiny));
            assertThat(count(first, tiny)).isEqualTo(1);
            for (var e : rows.entrySet()) {
                assertThat(count(first, e.getKey())).as("rows of a full walk-in").isEqualTo(e.getValue());
            }

            // A restart on the full volume: it starts, serves reads, refuses growth.
            first.close();
            OwnServer second = ownServerIn(data, Map.of());
            assertThat(usable(volume)).as("still full at the restart").isLessThan(64 * 1024);
            assertThat(second.http.get("/healthz").status()).isEqualTo(200);
            for (var e : rows.entrySet()) {
                assertThat(count(second, e.getKey())).as("rows after the restart").isEqualTo(e.getValue());
            }
            expectServerFull(second.http.sql("INSERT INTO t(b) VALUES (3)", tiny));
            expectServerFull(second.http.sql("SELECT 1"));

            // A fresh data directory on the full volume: one clear line, no partial file.
            Path fresh = volume.resolve("fresh");
            assertThatThrownBy(() -> new OwnServer(fresh, Map.of()).close())
                    .satisfies(e -> assertThat(messages(e)).contains("No space left on device")
                            .containsAnyOf("hmac-secrets", "libwalkindb_sqlite.so"));
            try (Stream<Path> walk = Files.walk(fresh)) {
                assertThat(walk.map(Path::toString).filter(f -> f.endsWith(".part") || f.endsWith(".tmp")))
                        .as("partial files").isEmpty();
            }

            // The walk-ins expire; the sweeper deletes them and the space comes back.
            second.server.advanceClock(Duration.ofSeconds(601));
            assertThat(second.server.sweep()).isEqualTo(rows.size() + 1);
            // At once, in both modes: a worker closes a walk-in's files before the sweeper deletes them.
            assertThat(usable(volume)).isGreaterThan(30 * MIB);
            Reply again = expectOk(second.http.sql("CREATE TABLE t(x); INSERT INTO t VALUES (1)"));
            expectOk(second.http.sql(counter(450) + "INSERT INTO t SELECT randomblob(4000) FROM c", again.session()));

            List<JsonNode> lines = AbuseAccessLogTest.wholeLines(data.resolve("logs"));
            Stats.line("full volume: " + lines.size() + " whole access-log lines");
            assertThat(lines).isNotEmpty();
        } finally {
            closeOwnServers(); // before the volume goes away
            unmount(volume);
        }
    }

    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t.getMessage()).append(" | ");
        }
        return b.toString();
    }
}
