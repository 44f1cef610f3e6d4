package meridian.core.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import meridian.testkit.Seeds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Seeds.class) // -Dmeridian.seed=N replays; a failure prints the command
class ParallelRunTest {
    private final ThreadPoolExecutor pool =
            new ThreadPoolExecutor(3, 3, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(64));

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void everyRecordRunsExactlyOnceWhoeverClaimsIt() throws Exception {
        long seed = Seeds.seed();
        Random rnd = new Random(seed);
        for (int round = 0; round < 200; round++) {
            int n = rnd.nextInt(5000);
            int step = 1 + rnd.nextInt(300);
            int helpers = rnd.nextInt(5);
            boolean callerHelps = helpers == 0 || rnd.nextBoolean();
            var seen = new AtomicIntegerArray(n);
            try (ParallelRun run = ParallelRun.start(n, step, helpers, pool, (from, to) -> {
                assertThat(to - from).isBetween(1, step);
                for (int i = from; i < to; i++) {
                    seen.incrementAndGet(i);
                }
            })) {
                if (callerHelps) {
                    run.help();
                }
                run.join(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
            }
            for (int i = 0; i < n; i++) {
                assertThat(seen.get(i))
                        .as("seed %d round %d record %d", seed, round, i)
                        .isEqualTo(1);
            }
        }
    }

    @Test
    void deadlineCancelsInterruptsAndCloseWaitsForTheKernelToLeave() throws Exception {
        var entered = new CountDownLatch(1);
        var inside = new AtomicInteger();
        var chunksRun = new AtomicInteger();
        ParallelRun run = ParallelRun.start(1000, 10, 2, pool, (from, to) -> {
            inside.incrementAndGet();
            try {
                chunksRun.incrementAndGet();
                entered.countDown();
                Thread.sleep(60_000); // until interrupted by the cancel
            } finally {
                inside.decrementAndGet();
            }
        });
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> run.join(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50)))
                .isInstanceOf(TimeoutException.class);
        run.close();
        assertThat(run.isCancelled()).isTrue();
        assertThat(inside.get()).isZero();
        assertThat(chunksRun.get()).isLessThanOrEqualTo(2); // nothing claimed after the cancel
        assertThat(pool.getQueue()).isEmpty();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aKernelFailureIsRethrownAndStopsTheOthers() {
        var ran = new AtomicInteger();
        assertThatThrownBy(() -> {
                    try (ParallelRun run = ParallelRun.start(100_000, 1, 2, pool, (from, to) -> {
                        if (ran.incrementAndGet() == 50) {
                            throw new IllegalArgumentException("bad record " + from);
                        }
                    })) {
                        run.help();
                        run.join(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
                    }
                })
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad record");
        assertThat(ran.get()).isLessThan(100_000);
    }

    @Test
    void helpersThatHaveNotStartedAreCalledOffWhenTheCallerFinishesAlone() throws Exception {
        var block = new CountDownLatch(1);
        for (int i = 0; i < 3; i++) {
            pool.execute(() -> {
                try {
                    block.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        var count = new AtomicInteger();
        try (ParallelRun run = ParallelRun.start(1000, 10, 2, pool, (from, to) -> count.addAndGet(to - from))) {
            run.help(); // every pool thread is busy: the caller does it all
            run.join(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        }
        assertThat(count.get()).isEqualTo(1000);
        assertThat(pool.getQueue()).isEmpty();
        block.countDown();
    }
}
