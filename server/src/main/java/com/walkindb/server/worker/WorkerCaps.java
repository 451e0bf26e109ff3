package com.walkindb.server.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memory and process-count caps of each worker, so a memory bomb kills only its own worker:
 * a cgroup v2 group per worker where the host delegates one to us (systemd {@code Delegate=yes}),
 * else cgroup v1 memory and pids groups where those are writable, else nothing but the address
 * space limit ({@code RLIMIT_AS}), a crude backstop set on the worker from outside.
 */
abstract class WorkerCaps {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerCaps.class);
    static final long PIDS_MAX = 512;
    /** A worker JVM reserves address space it never touches (heap, code cache, class space, stacks). */
    static final long JVM_RESERVED_BYTES = 2L << 30;

    /** Puts the new worker {@code pid} under its caps; says what it got, for the start-up log. */
    abstract String apply(long pid, String name);

    /** One line: what kind of cap the workers get. */
    abstract String describe();

    /** Removes what was made for workers (their groups). */
    void close() {}

    static WorkerCaps detect(long memoryBytes) {
        if (memoryBytes <= 0) {
            return new None("no memory cap (WALKINDB_WORKER_MEMORY_MB=0)");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/cgroup"));
        } catch (IOException e) {
            return new AddressSpace(memoryBytes);
        }
        try {
            WorkerCaps v2 = CgroupV2.detect(Path.of("/sys/fs/cgroup"), lines, memoryBytes, ProcessHandle.current().pid());
            if (v2 != null) {
                return v2;
            }
        } catch (IOException | RuntimeException e) {
            LOG.info("cgroup v2 not delegated to walkindb ({}); trying cgroup v1", e.toString());
        }
        try {
            WorkerCaps v1 = CgroupV1.detect(lines, memoryBytes);
            if (v1 != null) {
                return v1;
            }
        } catch (IOException | RuntimeException e) {
            LOG.info("no writable cgroup v1 memory group ({}); capping address space instead", e.toString());
        }
        return new AddressSpace(memoryBytes);
    }

    /** Writes {@code value} to a control file of a group. */
    static void write(Path file, String value) throws IOException {
        Files.writeString(file, value, StandardCharsets.US_ASCII);
    }

    private static final class None extends WorkerCaps {
        private final String why;

        None(String why) {
            this.why = why;
        }

        @Override
        String apply(long pid, String name) {
            return "no caps";
        }

        @Override
        String describe() {
            return "workers uncapped: " + why;
        }
    }

    /**
     * cgroup v2, where the host delegated our group to us (systemd {@code Delegate=yes}): the
     * supervisor moves itself into a leaf {@code walkindb-supervisor} (a group that hands
     * controllers to children may hold no process itself), enables the memory and pids
     * controllers for the children, and makes a group per worker beside that leaf.
     */
    static final class CgroupV2 extends WorkerCaps {
        private final Path own;
        private final long memoryBytes;
        private final boolean pids;
        private final Map<String, Path> groups = new ConcurrentHashMap<>();

        private CgroupV2(Path own, long memoryBytes, boolean pids) {
            this.own = own;
            this.memoryBytes = memoryBytes;
            this.pids = pids;
        }

        /** Null when there is no unified hierarchy or our group is not ours to divide. */
        static WorkerCaps detect(Path root, List<String> procSelfCgroup, long memoryBytes, long selfPid)
                throws IOException {
            String path = null;
            for (String line : procSelfCgroup) {
                if (line.startsWith("0::")) {
                    path = line.substring(3);
                }
            }
            if (path == null || !Files.exists(root.resolve("cgroup.controllers"))) {
                return null;
            }
            Path own = path.equals("/") ? root : root.resolve(path.substring(1));
            List<String> controllers = List.of(Files.readString(own.resolve("cgroup.controllers")).trim().split("\\s+"));
            if (!controllers.contains("memory") || !Files.isWritable(own.resolve("cgroup.subtree_control"))) {
                return null;
            }
            boolean pids = controllers.contains("pids");
            if (!own.equals(root)) {
                Path leaf = Files.createDirectories(own.resolve("walkindb-supervisor"));
                write(leaf.resolve("cgroup.procs"), Long.toString(selfPid));
            }
            write(own.resolve("cgroup.subtree_control"), pids ? "+memory +pids" : "+memory");
            return new CgroupV2(own, memoryBytes, pids);
        }

        @Override
        String apply(long pid, String name) {
            Path group = own.resolve("walkindb-" + name);
            try {
                Files.createDirectories(group);
                groups.put(name, group);
                write(group.resolve("memory.max"), Long.toString(memoryBytes));
                if (Files.exists(group.resolve("memory.swap.max"))) {
                    write(group.resolve("memory.swap.max"), "0"); // a bomb must not swap the box to a crawl
                }
                String what = "cgroup v2 memory " + (memoryBytes >> 20) + " MiB";
                if (pids) {
                    write(group.resolve("pids.max"), Long.toString(PIDS_MAX));
                    what += ", pids " + PIDS_MAX;
                }
                write(group.resolve("cgroup.procs"), Long.toString(pid));
                removeEmptyGroups(name);
                return what;
            } catch (IOException e) {
                LOG.warn("SQL {}: cannot put it in a cgroup ({}); its memory is not capped", name, e.toString());
                return "no cgroup: " + e.getMessage();
            }
        }

        private void removeEmptyGroups(String keep) {
            groups.forEach((name, dir) -> {
                if (!name.equals(keep)) {
                    try {
                        Files.deleteIfExists(dir);
                        groups.remove(name);
                    } catch (IOException stillHasAProcess) {
                        // its worker has not been reaped yet: the next start tries again
                    }
                }
            });
        }

        @Override
        String describe() {
            return "each worker in a cgroup v2 group with memory.max " + (memoryBytes >> 20) + " MiB"
                    + (pids ? " and pids.max " + PIDS_MAX : " (no pids controller delegated)");
        }

        @Override
        void close() {
            groups.values().forEach(dir -> {
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // a worker not reaped yet; the group is empty soon and harmless until then
                }
            });
        }
    }

    /** cgroup v1: a memory group and a pids group per worker, beside ours. */
    private static final class CgroupV1 extends WorkerCaps {
        private final Path memoryParent;
        private final Path pidsParent;
        private final long memoryBytes;
        private final Map<String, List<Path>> groups = new ConcurrentHashMap<>();

        private CgroupV1(Path memoryParent, Path pidsParent, long memoryBytes) {
            this.memoryParent = memoryParent;
            this.pidsParent = pidsParent;
            this.memoryBytes = memoryBytes;
        }

        static WorkerCaps detect(List<String> procSelfCgroup, long memoryBytes) throws IOException {
            Path memory = null;
            Path pids = null;
            for (String line : procSelfCgroup) {
                String[] f = line.split(":", 3);
                if (f.length == 3 && f[1].equals("memory")) {
                    memory = Path.of("/sys/fs/cgroup/memory" + f[2]);
                } else if (f.length == 3 && f[1].equals("pids")) {
                    pids = Path.of("/sys/fs/cgroup/pids" + f[2]);
                }
            }
            if (memory == null || !Files.isWritable(memory.resolve("cgroup.procs"))) {
                return null;
            }
            // Proven by doing: a group we can make and remove again.
            Path probe = memory.resolve("walkindb-probe-" + ProcessHandle.current().pid());
            Files.createDirectory(probe);
            Files.delete(probe);
            if (pids != null && !Files.isWritable(pids.resolve("cgroup.procs"))) {
                pids = null;
            }
            return new CgroupV1(memory, pids, memoryBytes);
        }

        @Override
        String apply(long pid, String name) {
            String group = "walkindb-" + ProcessHandle.current().pid() + "-" + name;
            List<Path> made = new ArrayList<>();
            try {
                Path mem = Files.createDirectories(memoryParent.resolve(group));
                made.add(mem);
                write(mem.resolve("memory.limit_in_bytes"), Long.toString(memoryBytes));
                if (Files.exists(mem.resolve("memory.memsw.limit_in_bytes"))) {
                    // Memory plus swap at the same cap: a bomb must die, not swap the box to a crawl.
                    write(mem.resolve("memory.memsw.limit_in_bytes"), Long.toString(memoryBytes));
                }
                write(mem.resolve("cgroup.procs"), Long.toString(pid));
                String what = "cgroup v1 memory " + (memoryBytes >> 20) + " MiB";
                if (pidsParent != null) {
                    Path p = Files.createDirectories(pidsParent.resolve(group));
                    made.add(p);
                    write(p.resolve("pids.max"), Long.toString(PIDS_MAX));
                    write(p.resolve("cgroup.procs"), Long.toString(pid));
                    what += ", pids " + PIDS_MAX;
                }
                groups.put(name, made);
                removeEmptyGroups(name);
                return what;
            } catch (IOException e) {
                LOG.warn("SQL {}: cannot put it in a cgroup ({}); its memory is not capped", name, e.toString());
                groups.put(name, made);
                return "no cgroup: " + e.getMessage();
            }
        }

        /** Groups of workers that are gone (the kernel refuses to remove one that still has a process). */
        private void removeEmptyGroups(String keep) {
            groups.forEach((name, dirs) -> {
                if (!name.equals(keep) && removeAll(dirs)) {
                    groups.remove(name);
                }
            });
        }

        private static boolean removeAll(List<Path> dirs) {
            boolean all = true;
            for (Path d : dirs) {
                try {
                    Files.deleteIfExists(d);
                } catch (IOException e) {
                    all = false;
                }
            }
            return all;
        }

        @Override
        String describe() {
            return "each worker in a cgroup v1 memory group of " + (memoryBytes >> 20) + " MiB"
                    + (pidsParent != null ? " and a pids group of " + PIDS_MAX : " (no pids group writable)");
        }

        @Override
        void close() {
            groups.values().forEach(CgroupV1::removeAll);
        }
    }

    /** No writable cgroup: the address-space limit, set on the worker once it runs. */
    private static final class AddressSpace extends WorkerCaps {
        private final long limit;

        AddressSpace(long memoryBytes) {
            this.limit = memoryBytes + JVM_RESERVED_BYTES;
        }

        @Override
        String apply(long pid, String name) {
            try {
                com.walkindb.server.sandbox.Rlimits.setAddressSpace(pid, limit);
                return "RLIMIT_AS " + (limit >> 20) + " MiB";
            } catch (IOException e) {
                LOG.warn("SQL {}: cannot set its address-space limit ({}); its memory is not capped", name,
                        e.getMessage());
                return "uncapped: " + e.getMessage();
            }
        }

        @Override
        String describe() {
            return "no writable cgroup: each worker's address space capped at " + (limit >> 20) + " MiB (RLIMIT_AS)";
        }
    }
}
