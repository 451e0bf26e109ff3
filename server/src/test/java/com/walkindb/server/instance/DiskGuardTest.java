package com.walkindb.server.instance;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.walkindb.server.config.Limits;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The threshold, the cached verdict, and the server-log lines when the guard trips and clears. */
class DiskGuardTest {
    private static final long MIB = 1024 * 1024;
    private static final long NEARLY_FULL = Limits.DEFAULTS.nearlyFullBytes();
    private final AtomicLong free = new AtomicLong(500 * MIB);
    private final DiskGuard.Space volume = new DiskGuard.Space() {
        @Override
        public long usableBytes() throws IOException {
            long f = free.get();
            if (f < 0) {
                throw new IOException("statfs failed");
            }
            return f;
        }

        @Override
        public long totalBytes() {
            return 1000 * MIB;
        }
    };
    private final Logger log = (Logger) LoggerFactory.getLogger(DiskGuard.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        lines.start();
        log.addAppender(lines);
    }

    @AfterEach
    void releaseLog() {
        log.detachAppender(lines);
    }

    @Test
    void theThresholdIsTheSmallerSettingAndZeroLeavesItsHalfOut() {
        assertThat(new DiskGuard(volume, 1024 * MIB, 5, NEARLY_FULL).threshold(1000 * MIB)).isEqualTo(50 * MIB);
        assertThat(new DiskGuard(volume, 20 * MIB, 5, NEARLY_FULL).threshold(1000 * MIB)).isEqualTo(20 * MIB);
        assertThat(new DiskGuard(volume, 0, 5, NEARLY_FULL).threshold(1000 * MIB)).isEqualTo(50 * MIB);
        assertThat(new DiskGuard(volume, 20 * MIB, 0, NEARLY_FULL).threshold(1000 * MIB)).isEqualTo(20 * MIB);
        assertThat(new DiskGuard(volume, 0, 0, NEARLY_FULL).threshold(1000 * MIB)).isZero();
    }

    @Test
    void tripsBelowTheThresholdClearsAboveItAndSaysSoOnceEach() {
        DiskGuard guard = new DiskGuard(volume, 1024 * MIB, 5, NEARLY_FULL); // 50 MiB of a 1000 MiB volume
        assertThat(guard.tripped()).isFalse();
        free.set(49 * MIB);
        assertThat(guard.tripped()).as("cached until refreshed").isFalse();
        guard.refresh();
        guard.refresh();
        assertThat(guard.tripped()).isTrue();
        free.set(51 * MIB);
        guard.refresh();
        guard.refresh();
        assertThat(guard.tripped()).isFalse();
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).satisfiesExactly(
                l -> assertThat(l).startsWith("disk guard tripped: 49.0 MiB free on the data volume, below 50.0 MiB"),
                l -> assertThat(l).startsWith("disk guard cleared: 51.0 MiB free"));
    }

    @Test
    void offWithBothZeroButAFailedWriteOnANearlyFullVolumeIsStillTheVolumes() {
        DiskGuard guard = new DiskGuard(volume, 0, 0, NEARLY_FULL);
        free.set(0);
        guard.refresh();
        assertThat(guard.tripped()).isFalse();
        assertThat(guard.nearlyFullNow()).isTrue();
        free.set(NEARLY_FULL);
        assertThat(guard.nearlyFullNow()).as("a failed write with a walk-in's worth free: the caller's own cap")
                .isFalse();
    }

    @Test
    void nearlyFullNowReadsTheVolumeAfresh() {
        DiskGuard guard = new DiskGuard(volume, 1024 * MIB, 5, NEARLY_FULL);
        free.set(10 * MIB);
        assertThat(guard.nearlyFullNow()).isTrue();
        assertThat(guard.tripped()).isTrue();
    }

    @Test
    void aVolumeThatCannotBeReadKeepsTheLastVerdict() {
        DiskGuard guard = new DiskGuard(volume, 1024 * MIB, 5, NEARLY_FULL);
        free.set(10 * MIB);
        guard.refresh();
        free.set(-1);
        guard.refresh();
        guard.refresh();
        assertThat(guard.tripped()).isTrue();
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                .filteredOn(l -> l.contains("cannot read")).hasSize(1);
    }

    @Test
    void aSimulatedVolumeReplacesTheRealOneUntilItIsGivenBack() {
        DiskGuard guard = new DiskGuard(volume, 1024 * MIB, 5, NEARLY_FULL);
        guard.useSpace(DiskGuard.Space.fixed(MIB, 1000 * MIB));
        assertThat(guard.tripped()).isTrue();
        guard.useSpace(null);
        assertThat(guard.tripped()).isFalse();
    }
}
