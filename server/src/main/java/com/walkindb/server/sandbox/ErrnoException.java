package com.walkindb.server.sandbox;

import java.util.Map;

/** A system call failed; carries errno and prints its symbolic name (EPERM, ENOSYS, ...). */
final class ErrnoException extends Exception {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EACCES = 13;
    static final int EFAULT = 14;
    static final int EINVAL = 22;
    static final int ENOSYS = 38;
    static final int EOPNOTSUPP = 95;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM"), Map.entry(ENOENT, "ENOENT"), Map.entry(7, "E2BIG"),
            Map.entry(9, "EBADF"), Map.entry(12, "ENOMEM"), Map.entry(EACCES, "EACCES"),
            Map.entry(EFAULT, "EFAULT"), Map.entry(16, "EBUSY"), Map.entry(EINVAL, "EINVAL"),
            Map.entry(ENOSYS, "ENOSYS"), Map.entry(EOPNOTSUPP, "EOPNOTSUPP"), Map.entry(40, "ELOOP"),
            Map.entry(20, "ENOTDIR"), Map.entry(8, "ENOEXEC"), Map.entry(3, "ESRCH"));

    private final int errno;

    ErrnoException(int errno) {
        super(name(errno));
        this.errno = errno;
    }

    int errno() {
        return errno;
    }

    static String name(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }
}
