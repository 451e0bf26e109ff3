package com.walkindb.server.instance;

import com.walkindb.server.sql.DatabaseTemplate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The filesystem is the metadata store (docs/API.md, sessions and walk-ins): {@code DATA/instances/<uuid>/} holds
 * {@code db.sqlite} (and its WAL files while in use) and {@code meta.json}.
 *
 * <p>Whether a walk-in is alive is decided without I/O: its creation time is the UUIDv7's
 * timestamp and its lifetime the configured TTL, so a request after expiry gets 404 even
 * before the sweeper ran. The directory's existence is never checked per call: SQLite itself
 * refuses to open a file that is gone (the open never creates one), which answers 404.
 */
public final class InstanceStore {
    public static final String DB_FILE = "db.sqlite";
    /** The walk-ins' directory inside the data directory. */
    public static final String INSTANCES_DIR = "instances";
    private static final String META_FILE = "meta.json";

    private final Path root;
    private final Clock clock;
    private final Duration ttl;
    private final DatabaseTemplate template;
    private final DiskGuard disk;
    private final LongAdder creations = new LongAdder();

    /** {@code template}: what every new walk-in's database starts from; {@code disk}: the volume's guard. */
    public InstanceStore(Path dataDir, Clock clock, Duration ttl, DatabaseTemplate template, DiskGuard disk)
            throws IOException {
        this.root = dataDir.resolve(INSTANCES_DIR);
        this.clock = clock;
        this.ttl = ttl;
        this.template = template;
        this.disk = disk;
        Files.createDirectories(root);
    }

    /** The data volume's guard: while it is tripped no walk-in is created and none grows. */
    public DiskGuard disk() {
        return disk;
    }

    /**
     * Creates the walk-in: its directory, meta.json and the database (a copy of the template).
     * meta.json is written in place, not renamed: a torn one is harmless, as the UUIDv7 alone
     * tells the walk-in's age and only the creator address would be lost. When any step fails
     * (a full disk), what was made is removed again before the exception leaves.
     */
    public Instance create(UUID id, String creator) throws IOException {
        Instant created = Instant.ofEpochMilli(Instance.createdMillis(id));
        Instance instance = new Instance(id, created, created.plus(ttl), creator);
        byte[] database = template.bytes();
        Path dir = directory(id);
        Files.createDirectory(dir);
        try {
            Files.writeString(dir.resolve(META_FILE), MetaJson.write(instance), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.write(dir.resolve(DB_FILE), database, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException e) {
            try {
                delete(id);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        creations.increment();
        return instance;
    }

    /** Walk-ins this store created since start-up (the metrics). */
    public long created() {
        return creations.sum();
    }

    /** The walk-ins' directory, DATA/instances. */
    public Path root() {
        return root;
    }

    /**
     * The walk-in with this id while its TTL runs, else empty. No file is looked at: only this
     * server issues ids (the token's MAC held), and a walk-in whose files are gone all the same
     * is found out where its database is opened (without create: SQLITE_CANTOPEN, a 404), or,
     * for a data job, under its gate ({@link Walkins#runJob}): no stat system call per call.
     */
    public Optional<Instance> findLive(UUID id) {
        Instant created = Instant.ofEpochMilli(Instance.createdMillis(id));
        Instant expires = created.plus(ttl);
        if (!clock.instant().isBefore(expires)) {
            return Optional.empty();
        }
        return Optional.of(new Instance(id, created, expires, null));
    }

    public boolean isExpired(UUID id) {
        return !clock.instant().isBefore(Instant.ofEpochMilli(Instance.createdMillis(id)).plus(ttl));
    }

    public Path directory(UUID id) {
        return root.resolve(id.toString());
    }

    public Path databaseFile(UUID id) {
        return directory(id).resolve(DB_FILE);
    }

    /** Where {@link #databaseFile} is for a store on {@code dataDir} (a SQL worker process has no store). */
    public static Path databaseFileIn(Path dataDir, UUID id) {
        return dataDir.resolve(INSTANCES_DIR).resolve(id.toString()).resolve(DB_FILE);
    }

    /** Deletes every file of the walk-in and its directory. Missing files are fine. */
    public void delete(UUID id) throws IOException {
        Path dir = directory(id);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        } catch (NoSuchFileException gone) {
            return;
        }
        Files.deleteIfExists(dir);
    }

    /** Calls {@code visitor} with the id of every walk-in directory, without reading any file. */
    public void forEachId(Consumer<UUID> visitor) throws IOException {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path dir : dirs) {
                UUID id = parseId(dir.getFileName().toString());
                if (id != null) {
                    visitor.accept(id);
                }
            }
        }
    }

    /** Calls {@code visitor} for every walk-in directory (expired or not), with its recorded metadata. */
    public void forEach(Consumer<Instance> visitor) throws IOException {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path dir : dirs) {
                UUID id = parseId(dir.getFileName().toString());
                if (id == null) {
                    continue;
                }
                visitor.accept(readMeta(id));
            }
        }
    }

    private Instance readMeta(UUID id) {
        Instant created = Instant.ofEpochMilli(Instance.createdMillis(id));
        try {
            Instance recorded = MetaJson.read(Files.readString(directory(id).resolve(META_FILE)));
            if (recorded != null && recorded.id().equals(id)) {
                return recorded;
            }
        } catch (IOException | RuntimeException unreadable) {
            // fall through: the UUID alone still tells when it was created
        }
        return new Instance(id, created, created.plus(ttl), null);
    }

    /** The walk-in id a directory name spells: a canonical UUIDv7, else null. */
    public static UUID parseId(String name) {
        if (name.length() != 36) {
            return null;
        }
        try {
            UUID id = UUID.fromString(name);
            return id.toString().equals(name) && id.version() == 7 ? id : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
