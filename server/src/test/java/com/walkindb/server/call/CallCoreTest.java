package com.walkindb.server.call;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.config.Limits;
import com.walkindb.server.instance.ConnectionCache;
import com.walkindb.server.instance.DiskGuard;
import com.walkindb.server.instance.InstanceGates;
import com.walkindb.server.instance.InstanceStore;
import com.walkindb.server.instance.LocalCalls;
import com.walkindb.server.instance.SqlWorkers;
import com.walkindb.server.instance.Walkins;
import com.walkindb.server.ratelimit.ClientKey;
import com.walkindb.server.ratelimit.InFlightLimit;
import com.walkindb.server.ratelimit.KeyedBudgets;
import com.walkindb.server.ratelimit.LiveInstances;
import com.walkindb.server.session.SecretStore;
import com.walkindb.server.session.SessionTokens;
import com.walkindb.server.session.UuidV7;
import com.walkindb.server.sql.AnswerMemory;
import com.walkindb.server.sql.DatabaseTemplate;
import com.walkindb.server.testing.TestClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order of checks from step 2 on, without a socket: each refusal at its step, the budgets
 * each step charges (and those it must not), and no walk-in provisioned before step 5.
 */
class CallCoreTest {
    private static final Caller ALICE = new Caller("192.0.2.7", ClientKey.ofText("192.0.2.7", 64));
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dataDir;
    private final TestClock clock = new TestClock();
    private final AtomicLong freeBytes = new AtomicLong(100_000 * MIB);
    private final AnswerMemory answerMemory = new AnswerMemory(64 * MIB);
    private final InFlightLimit inFlight = new InFlightLimit(4);
    private ConnectionCache cache;
    private InstanceStore store;

    /** Per-minute budgets and the live cap of one core; everything else as in production. */
    private record Budgets(int requests, int creations, int live, int walkinRequests) {
        static Budgets plenty() {
            return new Budgets(1000, 1000, 1000, 1000);
        }
    }

    private CallCore core(Budgets b) throws IOException {
        DiskGuard disk = new DiskGuard(new DiskGuard.Space() {
            @Override
            public long usableBytes() {
                return freeBytes.get();
            }

            @Override
            public long totalBytes() {
                return 200_000 * MIB;
            }
        }, 64 * MIB, 5, Limits.DEFAULTS.nearlyFullBytes());
        store = new InstanceStore(dataDir, clock, Duration.ofMinutes(10), new DatabaseTemplate(dataDir), disk);
        cache = new ConnectionCache(8, Duration.ofSeconds(5), clock);
        Walkins walkins = new Walkins(store, new InstanceGates(),
                new LocalCalls(store::databaseFile, cache, answerMemory, Limits.DEFAULTS, clock),
                new SqlWorkers(2, clock), Limits.DEFAULTS, clock);
        SecureRandom random = new SecureRandom();
        return new CallCore(
                new Admission(inFlight, new KeyedBudgets<>(b.requests(), 100, clock)),
                new WalkinResolver(new SessionTokens(SecretStore.open(dataDir, clock), random), store,
                        new KeyedBudgets<UUID>(b.walkinRequests(), 100, clock),
                        new KeyedBudgets<ClientKey>(b.creations(), 100, clock),
                        new LiveInstances(b.live(), clock), new UuidV7(clock, random), Duration.ofMinutes(10),
                        new com.walkindb.server.drain.Drain(clock)),
                new Execution(inFlight, walkins),
                Limits.DEFAULTS);
    }

    @AfterEach
    void closeConnections() {
        if (cache != null) {
            cache.closeAll();
        }
    }

    private static CallRequest sql(String sql) {
        return new CallRequest(sql, false, null);
    }

    private static CallResult call(CallCore core, String token, CallRequest request) throws InterruptedException {
        assertThat(core.admit(ALICE)).as("admitted").isEmpty();
        CallResult result = core.run(ALICE, token, request);
        if (result.outcome() instanceof Outcome.Answered a) {
            a.answer().release();
        }
        return result;
    }

    private int walkinsOnDisk() throws IOException {
        AtomicInteger n = new AtomicInteger();
        store.forEachId(id -> n.incrementAndGet());
        return n.get();
    }

    @Test
    void aCallWithoutSessionProvisionsAWalkinAndAnswers() throws Exception {
        CallCore core = core(Budgets.plenty());
        CallResult first = call(core, null, sql("CREATE TABLE t(x); INSERT INTO t VALUES (42)"));
        assertThat(first.outcome()).isInstanceOf(Outcome.Answered.class);
        assertThat(first.session().created()).isTrue();
        assertThat(first.session().expiresAt()).isAfter(clock.instant());
        assertThat(walkinsOnDisk()).isEqualTo(1);

        CallResult again = core.run(ALICE, first.session().newToken(), sql("SELECT x FROM t"));
        Outcome.Answered answered = (Outcome.Answered) again.outcome();
        assertThat(new String(answered.answer().body(), StandardCharsets.UTF_8)).contains("[42]");
        answered.answer().release();
        assertThat(again.session().walkinId()).isEqualTo(first.session().walkinId());
        assertThat(again.session().created()).isFalse();
        assertThat(walkinsOnDisk()).isEqualTo(1);
    }

    @Test
    void stepTwoRefusesAFullServerBeforeChargingTheRequestBudget() throws Exception {
        CallCore core = core(new Budgets(1, 1000, 1000, 1000));
        for (int i = 0; i < 4; i++) {
            assertThat(inFlight.tryEnter()).isTrue();
        }
        assertThat(core.admit(ALICE)).get().extracting(CallResult::outcome).isInstanceOf(Outcome.ServerBusy.class);
        for (int i = 0; i < 4; i++) {
            inFlight.exit();
        }
        assertThat(core.admit(ALICE)).as("the one request of the budget is still there").isEmpty();
        CallResult spent = core.admit(ALICE).orElseThrow();
        assertThat(spent.outcome()).isEqualTo(new Outcome.Refused(Budget.REQUESTS, 60));
        assertThat(spent.session()).isNull();
    }

    @Test
    void stepFourRefusesBeforeAnythingIsProvisionedOrCharged() throws Exception {
        CallCore core = core(new Budgets(1000, 1, 1000, 1000));
        assertThat(call(core, null, sql(" ;; -- nothing")).outcome()).isInstanceOf(Outcome.MissingSql.class);
        assertThat(call(core, null, new CallRequest("SELECT ?", true, "text")).outcome())
                .isEqualTo(new Outcome.InvalidArgs("args must be an array (positional) or an object (named)"));
        assertThat(call(core, null, sql("ATTACH 'x' AS y")).outcome())
                .isEqualTo(new Outcome.ForbiddenKeyword("ATTACH"));
        // The order inside step 4: no statement, then args, then forbidden keywords.
        assertThat(call(core, null, new CallRequest("  ", true, "text")).outcome()).isInstanceOf(Outcome.MissingSql.class);
        assertThat(call(core, null, new CallRequest("ATTACH 'x' AS y", true, "text")).outcome())
                .isInstanceOf(Outcome.InvalidArgs.class);
        assertThat(walkinsOnDisk()).isZero();
        // The single creation of the budget was never charged.
        assertThat(call(core, null, sql("SELECT 1")).outcome()).isInstanceOf(Outcome.Answered.class);
    }

    @Test
    void stepFiveRefusesUnknownTokensAndSpentBudgets() throws Exception {
        CallCore core = core(new Budgets(1000, 2, 1, 1));
        assertThat(call(core, "wkn_" + "A".repeat(40), sql("SELECT 1")))
                .isEqualTo(CallResult.before(new Outcome.WalkinNotFound()));
        CallResult made = call(core, null, sql("SELECT 1"));
        assertThat(made.session().created()).isTrue();

        CallResult secondLive = call(core, null, sql("SELECT 1"));
        assertThat(secondLive.outcome()).isInstanceOf(Outcome.Refused.class)
                .extracting(o -> ((Outcome.Refused) o).budget()).isEqualTo(Budget.LIVE_WALKINS);
        assertThat(secondLive.session()).isNull();
        CallResult thirdCreation = call(core, null, sql("SELECT 1"));
        assertThat(((Outcome.Refused) thirdCreation.outcome()).budget()).isEqualTo(Budget.NEW_WALKINS);
        assertThat(walkinsOnDisk()).isEqualTo(1);

        String token = made.session().newToken();
        assertThat(call(core, token, sql("SELECT 1")).outcome()).isInstanceOf(Outcome.Answered.class);
        CallResult spent = call(core, token, sql("SELECT 1"));
        assertThat(((Outcome.Refused) spent.outcome()).budget()).isEqualTo(Budget.WALKIN_REQUESTS);
        assertThat(spent.session().walkinId()).as("the log still names the walk-in").isEqualTo(made.session().walkinId());
        assertThat(spent.session().created()).isFalse();
    }

    @Test
    void aFullVolumeRefusesNewWalkinsBeforeTheCreationBudget() throws Exception {
        CallCore core = core(new Budgets(1000, 1, 1000, 1000));
        freeBytes.set(MIB);
        store.disk().refresh();
        assertThat(call(core, null, sql("SELECT 1")).outcome()).isInstanceOf(Outcome.ServerStorageFull.class);
        assertThat(walkinsOnDisk()).isZero();
        freeBytes.set(100_000 * MIB);
        store.disk().refresh();
        assertThat(call(core, null, sql("SELECT 1")).outcome()).isInstanceOf(Outcome.Answered.class);
    }

    @Test
    void aFailedCallOnANewWalkinStillCarriesItsSession() throws Exception {
        CallCore core = core(Budgets.plenty());
        CallResult failed = call(core, null, sql("SELECT 1; SELECT nope FROM nowhere"));
        assertThat(failed.outcome()).isInstanceOf(Outcome.InvalidSql.class);
        assertThat(((Outcome.InvalidSql) failed.outcome()).statement()).isEqualTo(2);
        assertThat(failed.session().created()).isTrue();
        assertThat(call(core, failed.session().newToken(), sql("SELECT 1")).outcome())
                .isInstanceOf(Outcome.Answered.class);
        assertThat(call(core, failed.session().newToken(), sql("PRAGMA database_list")).outcome())
                .isEqualTo(new Outcome.ForbiddenSql("PRAGMA database_list", 1));
        assertThat(call(core, failed.session().newToken(), new CallRequest("SELECT ?", true, List.of())).outcome())
                .isInstanceOf(Outcome.InvalidArgs.class);
        assertThat(call(core, failed.session().newToken(), new CallRequest("SELECT :a", true, Map.of("a", 1L))).outcome())
                .isInstanceOf(Outcome.Answered.class);
    }

    @Test
    void aLargeAnswerHoldsItsMemoryUntilReleasedOnce() throws Exception {
        CallCore core = core(Budgets.plenty());
        assertThat(core.admit(ALICE)).isEmpty();
        CallResult result = core.run(ALICE, null, sql("SELECT zeroblob(300000)"));
        Outcome.Answered answered = (Outcome.Answered) result.outcome();
        assertThat(answered.answer().holdsMemory()).isTrue();
        assertThat(answerMemory.held()).isPositive();
        answered.answer().release();
        answered.answer().release();
        assertThat(answerMemory.held()).isZero();
        assertThat(answered.answer().holdsMemory()).isFalse();
    }

    @Test
    void noInFlightSlotIsLeftHeldAfterAnyOutcome() throws Exception {
        CallCore core = core(Budgets.plenty());
        call(core, null, sql("SELECT 1"));
        call(core, null, sql("SELECT nope"));
        call(core, null, sql("ATTACH 'x' AS y"));
        assertThat(inFlight.inFlight()).isZero();
    }
}
