package com.walkindb.server.sandbox;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Replaces the running JVM with a fresh one on the same command line and environment (plus a
 * few variables), through {@code execve(2)}. The process keeps its PID, its parent, its standard
 * streams and its Landlock domain, so every thread of the new JVM is born inside the jail that
 * the old main thread entered just before.
 */
final class Reexec {
    private Reexec() {}

    /** The command line this process was started with, exactly ({@code /proc/self/cmdline}). */
    static List<byte[]> commandLine() throws IOException {
        return split(Files.readAllBytes(Path.of("/proc/self/cmdline")));
    }

    /** The environment this process was started with ({@code /proc/self/environ}). */
    static List<byte[]> environment() throws IOException {
        return split(Files.readAllBytes(Path.of("/proc/self/environ")));
    }

    /** {@code env} with each of {@code set} ("NAME=value") replacing any earlier value of NAME. */
    static List<byte[]> withVariables(List<byte[]> env, List<String> set) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] e : env) {
            boolean replaced = false;
            for (String s : set) {
                byte[] prefix = s.substring(0, s.indexOf('=') + 1).getBytes(StandardCharsets.UTF_8);
                replaced |= e.length >= prefix.length && Arrays.equals(e, 0, prefix.length, prefix, 0, prefix.length);
            }
            if (!replaced) {
                out.add(e);
            }
        }
        for (String s : set) {
            out.add(s.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Files the {@code java} launcher reads again from this command line: @argfiles and agent jars. */
    static List<Path> launcherFiles(List<byte[]> argv) {
        List<Path> files = new ArrayList<>();
        for (int i = 1; i < argv.size(); i++) {
            String a = new String(argv.get(i), StandardCharsets.UTF_8);
            if (a.startsWith("@") && a.length() > 1 && !a.startsWith("@@")) {
                files.add(Path.of(a.substring(1)));
            } else if (a.startsWith("-javaagent:")) {
                String jar = a.substring("-javaagent:".length());
                int eq = jar.indexOf('=');
                files.add(Path.of(eq < 0 ? jar : jar.substring(0, eq)));
            }
        }
        return files;
    }

    /** Calls execve; returns only by throwing. Flushes the JVM's standard streams first. */
    static void exec(Path executable, List<byte[]> argv, List<byte[]> env) throws ErrnoException {
        System.out.flush();
        System.err.flush();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(executable.toString());
            Syscalls.call(Syscalls.EXECVE, path.address(), pointers(arena, argv).address(),
                    pointers(arena, env).address());
        }
        throw new IllegalStateException("execve returned without an error");
    }

    private static MemorySegment pointers(Arena arena, List<byte[]> strings) {
        MemorySegment array = arena.allocate(ADDRESS, strings.size() + 1L);
        for (int i = 0; i < strings.size(); i++) {
            byte[] s = strings.get(i);
            MemorySegment c = arena.allocate(s.length + 1L);
            MemorySegment.copy(s, 0, c, JAVA_BYTE, 0, s.length);
            c.set(JAVA_BYTE, s.length, (byte) 0);
            array.setAtIndex(ADDRESS, i, c);
        }
        array.setAtIndex(ADDRESS, strings.size(), MemorySegment.NULL);
        return array;
    }

    private static List<byte[]> split(byte[] raw) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                out.add(Arrays.copyOfRange(raw, start, i));
                start = i + 1;
            }
        }
        if (start < raw.length) {
            out.add(Arrays.copyOfRange(raw, start, raw.length));
        }
        return out;
    }
}
