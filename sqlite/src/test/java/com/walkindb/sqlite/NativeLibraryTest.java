package com.walkindb.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Extracting the library: an identical copy is reused, a failed copy leaves nothing and names the path. */
class NativeLibraryTest {
    @TempDir Path dir;
    private final byte[] library = "not really a library".getBytes(StandardCharsets.US_ASCII);
    private final String sha;

    NativeLibraryTest() throws Exception {
        sha = NativeLibrary.sha256(new ByteArrayInputStream(library));
    }

    private void extract(Path lib) {
        NativeLibrary.extract(new ByteArrayInputStream(library), sha, dir, lib);
    }

    @Test
    void aCopyWithTheSameHashIsReusedAndAnyOtherIsNot() throws Exception {
        Path lib = dir.resolve(NativeLibrary.LIB_NAME);
        assertThat(NativeLibrary.isCopy(lib, sha)).isFalse();
        extract(lib);
        assertThat(NativeLibrary.isCopy(lib, sha)).isTrue();
        Files.writeString(lib, "tampered");
        assertThat(NativeLibrary.isCopy(lib, sha)).isFalse();
        extract(lib);
        assertThat(Files.readAllBytes(lib)).isEqualTo(library);
        assertThat(listing()).containsExactly(NativeLibrary.LIB_NAME);
    }

    @Test
    void aCopyThatCannotBeWrittenLeavesNoPartialFileAndNamesThePath() throws Exception {
        // A non-empty directory where the library goes: the final rename fails, even as root.
        Path lib = dir.resolve(NativeLibrary.LIB_NAME);
        Files.createDirectories(lib.resolve("x"));
        assertThatThrownBy(() -> extract(lib))
                .isInstanceOf(UnsatisfiedLinkError.class)
                .hasMessageStartingWith("cannot extract walkindb's SQLite library to " + lib + ": ");
        assertThat(listing()).containsExactly(NativeLibrary.LIB_NAME);
    }

    @Test
    void aCopyWhoseBytesDoNotMatchTheHashIsNeverPutInPlace() throws Exception {
        Path lib = dir.resolve(NativeLibrary.LIB_NAME);
        assertThatThrownBy(() -> NativeLibrary.extract(new ByteArrayInputStream("other".getBytes(java.nio.charset.StandardCharsets.UTF_8)), sha, dir, lib))
                .isInstanceOf(UnsatisfiedLinkError.class).hasMessageContaining("does not match");
        assertThat(listing()).isEmpty();
    }

    @Test
    void theLoadedLibraryIsTheJarsOwn() {
        assertThat(Sqlite.memoryUsed()).isNotNegative(); // loads it: locate() checked the jar's hash
    }

    private java.util.List<String> listing() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
