package com.walkindb.server.sandbox;

import static com.walkindb.server.sandbox.Landlock.FS_EXECUTE;
import static com.walkindb.server.sandbox.Landlock.FS_MAKE_DIR;
import static com.walkindb.server.sandbox.Landlock.FS_MAKE_REG;
import static com.walkindb.server.sandbox.Landlock.FS_READ_DIR;
import static com.walkindb.server.sandbox.Landlock.FS_READ_FILE;
import static com.walkindb.server.sandbox.Landlock.FS_REFER;
import static com.walkindb.server.sandbox.Landlock.FS_REMOVE_DIR;
import static com.walkindb.server.sandbox.Landlock.FS_REMOVE_FILE;
import static com.walkindb.server.sandbox.Landlock.FS_TRUNCATE;
import static com.walkindb.server.sandbox.Landlock.FS_WRITE_FILE;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the Landlock jail lets the process touch (docs/SECURITY.md, layer 6a), computed from the running JVM
 * and the configuration. Everything else — other files, other directories, device nodes, creating
 * symlinks, sockets or FIFOs anywhere — is denied by the kernel.
 *
 * <p>Rules attach to inodes, so every path is resolved through its symbolic links first; paths
 * that do not exist are left out. Only two files may be executed: the JVM's own binary and its ELF
 * interpreter, which is exactly what re-executing the JVM inside the jail needs.
 *
 * <p>{@code /proc} is special: its inodes are made afresh whenever their dentries are evicted (a
 * {@code drop_caches} is enough), which would silently drop a rule — measured: after
 * {@code echo 2 > /proc/sys/vm/drop_caches} a jailed thread could no longer read
 * {@code /proc/self/status} or {@code /proc/meminfo}. Their descriptors are therefore kept open
 * (and inherited across the re-exec), which pins the dentries and so the inodes. Only
 * {@code /proc/self} (which resolves to {@code /proc/<pid>}, the same across the re-exec) and a
 * few system-wide files are readable, not other processes' directories.
 *
 * @param paths    the filesystem rules, in a stable order
 * @param bindPort  the TCP port the process serves on (0: the kernel picks one)
 * @param adminPort the operator's listener's port, also bindable; -1 when there is none
 */
record JailPlan(List<PathRule> paths, int bindPort, int adminPort) {
    static final long READ = FS_READ_FILE | FS_READ_DIR;
    static final long READ_EXECUTE = FS_READ_FILE | FS_EXECUTE;
    static final long READ_WRITE = READ | FS_WRITE_FILE | FS_TRUNCATE | FS_MAKE_REG | FS_MAKE_DIR
            | FS_REMOVE_FILE | FS_REMOVE_DIR | FS_REFER;

    /** One path-beneath rule; {@code keepOpen} descriptors stay open for the life of the process. */
    record PathRule(Path path, long access, boolean keepOpen) {
        String kind() {
            if ((access & FS_EXECUTE) != 0) {
                return "read+execute";
            }
            return (access & FS_WRITE_FILE) != 0 ? "read+write" : "read";
        }
    }

    /**
     * What the plan is computed from.
     *
     * @param javaHome         the JDK ({@code java.home})
     * @param executable       the running binary ({@code /proc/self/exe})
     * @param classPath        {@code java.class.path} entries (the server jar, or the build's classes and jars)
     * @param launcherFiles    files the launcher reads again on re-exec ({@code @argfiles}, {@code -javaagent} jars)
     * @param nativeLibrary    the {@code walkindb.sqlite.library} override, or null (the library is
     *                         otherwise extracted into the private temp directory inside the data directory)
     * @param writable         read+write: the data directory (where the private temp directory lives),
     *                         or for a SQL worker only the parts of it a worker needs
     * @param port             the listening port
     * @param adminPort        the admin listener's port, or -1
     * @param listenByName     the listen host is a name, not an IP literal: name resolution files are needed
     * @param workerGroups     null when the process runs SQL itself; when it starts SQL worker processes, the
     *                         cgroup directories it makes their groups in (read+write, may be empty); the
     *                         JDK's {@code jspawnhelper} may then be executed as well
     */
    record Inputs(Path javaHome, Path executable, List<Path> classPath, List<Path> launcherFiles, Path nativeLibrary,
                  List<Path> writable, int port, int adminPort, boolean listenByName, List<Path> workerGroups) {
        /** A process that runs SQL itself and starts no other. */
        Inputs(Path javaHome, Path executable, List<Path> classPath, List<Path> launcherFiles, Path nativeLibrary,
               Path dataDir, int port, boolean listenByName) {
            this(javaHome, executable, classPath, launcherFiles, nativeLibrary, List.of(dataDir), port, -1, listenByName,
                    null);
        }
    }

    /** System files and kernel interfaces the JVM reads at start-up and while it runs (measured with strace). */
    private static final List<String> SYSTEM_READ = List.of(
            "/usr/lib", "/usr/lib64", "/lib", "/lib64", "/etc/ld.so.cache",
            "/etc/passwd", "/etc/nsswitch.conf", "/etc/localtime", "/etc/timezone", "/usr/share/zoneinfo",
            "/proc/cpuinfo", "/proc/meminfo", "/proc/stat", "/proc/cgroups", "/proc/sys/vm/mmap_min_addr",
            "/proc/sys/vm/overcommit_memory",
            "/sys/fs/cgroup", "/sys/devices/system/cpu", "/sys/devices/system/node",
            "/sys/kernel/mm/transparent_hugepage", "/sys/kernel/mm/hugepages",
            "/dev/urandom", "/dev/random");
    private static final List<String> NAME_RESOLUTION = List.of(
            "/etc/hosts", "/etc/host.conf", "/etc/gai.conf", "/etc/resolv.conf");

    static JailPlan of(Inputs in) {
        Map<Path, PathRule> rules = new LinkedHashMap<>();
        add(rules, in.executable(), READ_EXECUTE);
        Path interpreter = interpreterOf(in.executable());
        if (interpreter != null) {
            add(rules, interpreter, READ_EXECUTE);
        }
        if (in.workerGroups() != null) {
            // The JDK starts processes through this helper (posix_spawn), which then runs java.
            add(rules, in.javaHome().resolve("lib").resolve("jspawnhelper"), READ_EXECUTE);
            // A worker inherits this jail before it builds its own, and reads its /proc/self
            // (another PID than ours) to do so; its own layer then narrows this to itself.
            add(rules, Path.of("/proc"), READ);
            for (Path group : in.workerGroups()) {
                add(rules, group, READ_WRITE);
            }
        }
        add(rules, in.javaHome(), READ);
        for (Path target : linkedFrom(in.javaHome())) {
            add(rules, target, READ);
        }
        for (Path p : in.classPath()) {
            add(rules, p, READ);
        }
        for (Path p : in.launcherFiles()) {
            add(rules, p, READ);
        }
        if (in.nativeLibrary() != null) {
            add(rules, in.nativeLibrary(), READ);
        }
        for (String p : SYSTEM_READ) {
            add(rules, Path.of(p), READ);
        }
        if (in.listenByName()) {
            for (String p : NAME_RESOLUTION) {
                add(rules, Path.of(p), READ);
            }
        }
        add(rules, Path.of("/proc/self"), READ);
        for (Path p : in.writable()) {
            add(rules, p, READ_WRITE);
        }
        add(rules, Path.of("/dev/null"), FS_READ_FILE | FS_WRITE_FILE);
        return new JailPlan(List.copyOf(rules.values()), in.port(), in.adminPort());
    }

    /** Rules per kind, for the start-up log: {"read+execute": 2, "read": 30, ...}. */
    Map<String, Integer> countByKind() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (PathRule r : paths) {
            counts.merge(r.kind(), 1, Integer::sum);
        }
        return counts;
    }

    List<Path> pathsOfKind(String kind) {
        List<Path> out = new ArrayList<>();
        for (PathRule r : paths) {
            if (r.kind().equals(kind)) {
                out.add(r.path());
            }
        }
        return out;
    }

    private static void add(Map<Path, PathRule> rules, Path path, long access) {
        if (path == null || !Files.exists(path)) {
            return;
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            return;
        }
        boolean keepOpen = real.startsWith("/proc");
        if (!Files.isDirectory(real)) {
            access &= Landlock.FS_FILE_RIGHTS;
        }
        PathRule old = rules.get(real);
        if (old != null) {
            access |= old.access();
        }
        rules.put(real, new PathRule(real, access, keepOpen));
    }

    /**
     * Where the symbolic links in the JDK's {@code bin/}, {@code conf/} and {@code lib/} lead, when
     * that is outside the JDK: Debian's OpenJDK packages keep {@code jvm.cfg}, {@code java.security}
     * and the CA certificates under {@code /etc}, and a jailed JVM could not start without them.
     */
    static List<Path> linkedFrom(Path javaHome) {
        List<Path> out = new ArrayList<>();
        Path home;
        try {
            home = javaHome.toRealPath();
        } catch (IOException e) {
            return out;
        }
        for (String sub : List.of("bin", "conf", "lib")) {
            Path dir = home.resolve(sub);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(Files::isSymbolicLink).forEach(link -> {
                    try {
                        Path target = link.toRealPath();
                        if (!target.startsWith(home)) {
                            out.add(target);
                        }
                    } catch (IOException e) {
                        // A dangling link leads nowhere to allow.
                    }
                });
            } catch (IOException | UncheckedIOException e) {
                // An unreadable corner of the JDK: nothing more to allow from it.
            }
        }
        return out;
    }

    /** The PT_INTERP of a 64-bit little-endian ELF executable (the dynamic loader), or null. */
    static Path interpreterOf(Path executable) {
        try {
            byte[] elf;
            try (InputStream in = Files.newInputStream(executable)) {
                elf = in.readNBytes(64 * 1024);
            }
            ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
            if (elf.length < 64 || b.getInt(0) != 0x464c457f || elf[4] != 2 || elf[5] != 1) {
                return null;
            }
            long phoff = b.getLong(0x20);
            int phentsize = Short.toUnsignedInt(b.getShort(0x36));
            int phnum = Short.toUnsignedInt(b.getShort(0x38));
            for (int i = 0; i < phnum; i++) {
                long h = phoff + (long) i * phentsize;
                if (h + 0x28 > elf.length) {
                    return null;
                }
                if (b.getInt((int) h) == 3) { // PT_INTERP
                    long off = b.getLong((int) h + 8);
                    long size = b.getLong((int) h + 0x20);
                    if (off + size > elf.length || size < 2) {
                        return null;
                    }
                    return Path.of(new String(elf, (int) off, (int) size - 1, StandardCharsets.US_ASCII));
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
