package com.walkindb.server.sandbox;

import static java.lang.foreign.ValueLayout.ADDRESS;

import com.walkindb.server.config.Config;
import com.walkindb.server.config.EnvConfigReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Test-only process entry point: applies the sandbox with the server's own code, layer by layer,
 * then tries to break out and prints one line per attempt ({@code PROBE <name> => ok} or
 * {@code PROBE <name> => refused (<why>)}) for {@link SandboxProcessTest} to check.
 *
 * <p>Arguments: the TCP port of a listener outside the jail, and a directory outside the data
 * directory. Configuration comes from the environment, as for the server.
 */
public final class SandboxProbe {
    private SandboxProbe() {}

    public static void main(String[] args) throws Exception {
        int outsidePort = Integer.parseInt(args[0]);
        Path outsideDir = Path.of(args[1]);
        Config config = EnvConfigReader.read(System.getenv());
        Sandbox.Role role = args.length > 2 && args[2].equals("worker") ? Sandbox.Role.WORKER : Sandbox.Role.SERVER;
        Path tmp = config.dataDir().resolve(Sandbox.TMP_DIR);
        Files.createDirectories(tmp);
        for (Path dir : Sandbox.writable(role, config.dataDir())) {
            Files.createDirectories(dir); // as Sandbox.enter does
        }
        Path secret = config.dataDir().resolve("secrets").resolve("probe-secret");
        if (!Files.exists(secret)) { // the re-executed JVM finds it made
            Files.createDirectories(secret.getParent());
            Files.writeString(secret, "not for workers");
        }

        // Layer 6a alone (re-executes this JVM, exactly as the server does).
        LandlockJail.Outcome jail = LandlockJail.enter(config, tmp, true, role);
        System.out.println("LANDLOCK " + jail.status());
        probe("landlock: read /etc/hostname", () -> Files.readAllBytes(Path.of("/etc/hostname")));
        probe("landlock: list /", () -> Files.list(Path.of("/")).close());
        probe("landlock: write outside the data directory",
                () -> Files.writeString(outsideDir.resolve("escaped.txt"), "x"));
        probe("landlock: write inside the data directory",
                () -> Files.writeString(config.dataDir().resolve("inside.txt"), "x"));
        probe("landlock: read the secrets", () -> Files.readAllBytes(secret));
        probe("landlock: write a walk-in's directory", () -> Files.writeString(
                config.dataDir().resolve("instances").resolve("probe.txt"), "x"));
        probe("landlock: read the JDK", () -> Files.size(Path.of(System.getProperty("java.home"), "release")));
        probe("landlock: connect 127.0.0.1:" + outsidePort,
                () -> new Socket("127.0.0.1", outsidePort).close());
        probe("landlock: bind 127.0.0.1:" + outsidePort,
                () -> new ServerSocket(outsidePort, 1, java.net.InetAddress.getByName("127.0.0.1")).close());

        // Layer 6b on top, as Sandbox.enter installs it.
        System.out.println("SECCOMP " + Sandbox.installSeccomp(true, role));
        probe("seccomp: execve java", () -> {
            try (Arena arena = Arena.ofConfined()) {
                String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
                MemorySegment argv = arena.allocate(ADDRESS, 3);
                argv.setAtIndex(ADDRESS, 0, arena.allocateFrom(javaBin));
                argv.setAtIndex(ADDRESS, 1, arena.allocateFrom("-version"));
                MemorySegment envp = arena.allocate(ADDRESS, 1);
                Syscalls.call(Syscalls.EXECVE, arena.allocateFrom(javaBin).address(), argv.address(), envp.address());
            }
        });
        probe("seccomp: run /bin/true", () -> new ProcessBuilder("/bin/true").start().waitFor());
        probe("seccomp: connect 127.0.0.1:" + outsidePort, () -> new Socket("127.0.0.1", outsidePort).close());
        probe("seccomp: send UDP", () -> {
            try (DatagramSocket udp = new DatagramSocket()) {
                udp.send(new DatagramPacket(new byte[] {1}, 1, new InetSocketAddress("127.0.0.1", outsidePort)));
            }
        });
        probe("seccomp: raw socket", () -> Syscalls.call(41, 2, 3, 1)); // socket(AF_INET, SOCK_RAW, ICMP)
        probe("seccomp: ptrace", () -> Syscalls.call(101, 0, 0, 0, 0)); // ptrace(PTRACE_TRACEME)
        probe("seccomp: unshare user namespace", () -> Syscalls.call(272, 0x10000000));
        probe("seccomp: start a thread", () -> {
            AtomicBoolean ran = new AtomicBoolean();
            Thread t = new Thread(() -> ran.set(true));
            t.start();
            t.join();
            if (!ran.get()) {
                throw new IllegalStateException("thread did not run");
            }
        });
        probe("seccomp: start a virtual thread", () -> Thread.ofVirtual().start(() -> { }).join());
        probe("seccomp: read /etc/hostname", () -> Files.readAllBytes(Path.of("/etc/hostname")));
        probe("seccomp: read /proc/self/status", () -> Files.readAllBytes(Path.of("/proc/self/status")));
        System.out.println("PROBE done");
    }

    interface Attempt {
        void run() throws Exception;
    }

    private static void probe(String name, Attempt attempt) {
        String result;
        try {
            attempt.run();
            result = "ok";
        } catch (Throwable t) {
            String why = String.valueOf(t.getMessage()).replaceAll("\\s+", " ").trim();
            result = "refused (" + t.getClass().getSimpleName() + ": " + why + ")";
        }
        System.out.println("PROBE " + name + " => " + result);
        System.out.flush();
    }
}
