package com.walkindb.server.sandbox;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The Landlock system calls (Linux 5.13+): the ABI probe, one ruleset, its rules, and
 * {@code landlock_restrict_self}. Constants follow {@code include/uapi/linux/landlock.h}.
 */
final class Landlock {
    static final long FS_EXECUTE = 1L;
    static final long FS_WRITE_FILE = 1L << 1;
    static final long FS_READ_FILE = 1L << 2;
    static final long FS_READ_DIR = 1L << 3;
    static final long FS_REMOVE_DIR = 1L << 4;
    static final long FS_REMOVE_FILE = 1L << 5;
    static final long FS_MAKE_CHAR = 1L << 6;
    static final long FS_MAKE_DIR = 1L << 7;
    static final long FS_MAKE_REG = 1L << 8;
    static final long FS_MAKE_SOCK = 1L << 9;
    static final long FS_MAKE_FIFO = 1L << 10;
    static final long FS_MAKE_BLOCK = 1L << 11;
    static final long FS_MAKE_SYM = 1L << 12;
    static final long FS_REFER = 1L << 13;      // ABI 2
    static final long FS_TRUNCATE = 1L << 14;   // ABI 3
    static final long FS_IOCTL_DEV = 1L << 15;  // ABI 5
    /** The rights a rule on a single file (not a directory) may carry. */
    static final long FS_FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV;

    static final long NET_BIND_TCP = 1L;        // ABI 4
    static final long NET_CONNECT_TCP = 1L << 1;
    static final long SCOPE_ABSTRACT_UNIX_SOCKET = 1L;  // ABI 6
    static final long SCOPE_SIGNAL = 1L << 1;
    static final int RESTRICT_SELF_TSYNC = 1 << 3;      // ABI 8

    private static final long CREATE_RULESET_VERSION = 1;
    private static final long RULE_PATH_BENEATH = 1;
    private static final long RULE_NET_PORT = 2;

    private Landlock() {}

    /** The highest Landlock ABI the kernel supports; ENOSYS or EOPNOTSUPP when it has none. */
    static int abi() throws ErrnoException {
        return (int) Syscalls.call(Syscalls.LANDLOCK_CREATE_RULESET, 0, 0, CREATE_RULESET_VERSION);
    }

    /** Every filesystem right the given ABI knows: handling them all makes the jail deny-by-default. */
    static long handledFs(int abi) {
        long rights = (1L << 13) - 1;
        if (abi >= 2) {
            rights |= FS_REFER;
        }
        if (abi >= 3) {
            rights |= FS_TRUNCATE;
        }
        if (abi >= 5) {
            rights |= FS_IOCTL_DEV;
        }
        return rights;
    }

    static long handledNet(int abi) {
        return abi >= 4 ? NET_BIND_TCP | NET_CONNECT_TCP : 0;
    }

    static long scoped(int abi) {
        return abi >= 6 ? SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL : 0;
    }

    /** Creates a ruleset handling everything {@code abi} knows; returns its descriptor. */
    static int createRuleset(int abi) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            // struct landlock_ruleset_attr grew with the ABI; the size tells the kernel which fields exist.
            long size = abi >= 6 ? 24 : abi >= 4 ? 16 : 8;
            MemorySegment attr = arena.allocate(24, 8);
            attr.set(JAVA_LONG_UNALIGNED, 0, handledFs(abi));
            attr.set(JAVA_LONG_UNALIGNED, 8, handledNet(abi));
            attr.set(JAVA_LONG_UNALIGNED, 16, scoped(abi));
            return (int) Syscalls.call(Syscalls.LANDLOCK_CREATE_RULESET, attr.address(), size, 0);
        }
    }

    static void addPathRule(int ruleset, int pathFd, long access) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(12, 8); // packed: __u64 allowed_access; __s32 parent_fd
            attr.set(JAVA_LONG_UNALIGNED, 0, access);
            attr.set(JAVA_INT_UNALIGNED, 8, pathFd);
            Syscalls.call(Syscalls.LANDLOCK_ADD_RULE, ruleset, RULE_PATH_BENEATH, attr.address(), 0);
        }
    }

    static void addPortRule(int ruleset, long port, long access) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(16, 8); // __u64 allowed_access; __u64 port
            attr.set(JAVA_LONG_UNALIGNED, 0, access);
            attr.set(JAVA_LONG_UNALIGNED, 8, port);
            Syscalls.call(Syscalls.LANDLOCK_ADD_RULE, ruleset, RULE_NET_PORT, attr.address(), 0);
        }
    }

    /** Confines the calling thread (and, with {@link #RESTRICT_SELF_TSYNC}, every thread). */
    static void restrictSelf(int ruleset, int flags) throws ErrnoException {
        Syscalls.call(Syscalls.LANDLOCK_RESTRICT_SELF, ruleset, flags);
    }
}
