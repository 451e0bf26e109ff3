package com.walkindb.server.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.config.Limits;
import com.walkindb.sqlite.SqliteConnection;
import com.walkindb.sqlite.SqliteException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hints' ordering and their bounds: name count, name length, hint size, the deadline. */
class ErrorHintsTest {
    private static final ErrorHints HINTS = new ErrorHints(Limits.DEFAULTS);

    @TempDir Path dir;
    SqliteConnection db;

    @BeforeEach
    void open() throws SqliteException {
        db = SqliteConnection.open(dir.resolve("db.sqlite"));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void closestNamesComeFirstAndTiesGoByName() {
        assertThat(HINTS.closestFirst(List.of("banana", "apply", "apple"), "appl", () -> false))
                .containsExactly("apple", "apply", "banana");
        assertThat(HINTS.closestFirst(List.of("Users", "orders"), "USER", () -> false))
                .containsExactly("Users", "orders");
    }

    @Test
    void eachDistanceIsWorkedOutOnceAndOnlyOnTheHeadOfLongNames() {
        String head = "t".repeat(Limits.DEFAULTS.hintMaxCompared());
        List<String> names = List.of(head + "zzz", head + "aaa", "x");
        AtomicInteger asked = new AtomicInteger();
        // Names that differ only past the compared head tie, and ties go by name.
        assertThat(HINTS.closestFirst(names, head + "zzz", () -> asked.incrementAndGet() < 0))
                .containsExactly(head + "aaa", head + "zzz", "x");
        assertThat(asked).as("deadline checks: one per name, one distance each").hasValue(3);
        assertThat(ErrorHints.distance("kitten", "sitting")).isEqualTo(3);
    }

    /**
     * Unbounded, this took 11.8 s (a full 784 x 784 matrix per comparison of the sort). The work
     * is counted, not timed: one distance per name, each checked against the deadline once. The
     * time it takes is a benchmark's ({@link ErrorHintsBenchmark}).
     */
    @Test
    void manyLongNamesAreRankedWithOneDistanceEach() {
        List<String> names = ErrorHintsBenchmark.longNames();
        AtomicInteger asked = new AtomicInteger();
        List<String> ranked = HINTS.closestFirst(names, "q".repeat(8000), () -> asked.incrementAndGet() < 0);
        assertThat(ranked).hasSize(180);
        assertThat(asked).as("deadline checks while ranking 180 names of 784 characters").hasValue(180);
    }

    @Test
    void noSuchTableListsTheTablesClosestFirstWithinTheHintSize() throws SqliteException {
        db.exec("CREATE TABLE orders(id); CREATE TABLE users(id); CREATE TABLE user_roles(id)");
        ErrorHints.Explained x = HINTS.explain(db, "no such table: usres", "SELECT * FROM usres", () -> false);
        assertThat(x.message()).isEqualTo("no such table: usres");
        assertThat(x.hint()).isEqualTo("Tables in this walk-in: users, orders, user_roles");

        StringBuilder ddl = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            ddl.append("CREATE TABLE t").append(i).append("_").append("w".repeat(200)).append("(a);");
        }
        db.exec(ddl.toString());
        String hint = HINTS.explain(db, "no such table: t1", "SELECT * FROM t1", () -> false).hint();
        assertThat(hint).startsWith("Tables in this walk-in: ").endsWith("…").hasSize(480);
    }

    @Test
    void noSuchColumnListsTheColumnsOfTheTablesTheStatementNames() throws SqliteException {
        db.exec("CREATE TABLE people(name, email, age); CREATE TABLE other(x)");
        ErrorHints.Explained x = HINTS.explain(db, "no such column: emial",
                "SELECT emial FROM people", () -> false);
        // emial: email 2 edits; age and name 4 each, so by name
        assertThat(x.hint()).isEqualTo("Columns, closest match first: people(email, age, name)");
    }

    @Test
    void aSpentDeadlineMeansNoHintButTheSameMessage() throws SqliteException {
        db.exec("CREATE TABLE users(id)");
        ErrorHints.Explained x = HINTS.explain(db, "no such table: usres", "SELECT * FROM usres", () -> true);
        assertThat(x).isEqualTo(new ErrorHints.Explained("no such table: usres", null));
        ErrorHints.Explained c = HINTS.explain(db, "no such column: idd", "SELECT idd FROM users", () -> true);
        assertThat(c).isEqualTo(new ErrorHints.Explained("no such column: idd", null));
    }

    @Test
    void theDeadlineIsAskedWhileNamesAreRanked() throws SqliteException {
        db.exec("CREATE TABLE a1(x); CREATE TABLE a2(x); CREATE TABLE a3(x)");
        AtomicInteger asked = new AtomicInteger();
        // Time runs out after the schema was read, in the middle of the ranking.
        ErrorHints.Explained x = HINTS.explain(db, "no such table: a", "SELECT * FROM a",
                () -> asked.incrementAndGet() > 2);
        assertThat(x.hint()).isNull();
        assertThat(asked.get()).isEqualTo(3);
    }
}
