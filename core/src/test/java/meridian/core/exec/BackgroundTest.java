package meridian.core.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import meridian.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;

class BackgroundTest {
    @Test
    void theValueIsMadeOnAnotherThreadWhileTheCallerGoesOn() throws Exception {
        var release = new CountDownLatch(1);
        var maker = new AtomicReference<Thread>();
        Background<String> value = Background.start("test-maker", () -> {
            maker.set(Thread.currentThread());
            release.await(10, TimeUnit.SECONDS);
            return "made";
        });
        // the caller is not held up: making waits for the caller's release
        release.countDown();
        assertThat(value.get()).isEqualTo("made");
        assertThat(maker.get()).isNotSameAs(Thread.currentThread());
        assertThat(maker.get().getName()).isEqualTo("test-maker");
        assertThat(maker.get().isDaemon()).isTrue();
        assertThat(value.get()).isEqualTo("made"); // asked again: the same value, made once
    }

    @Test
    void onAnExecutorToo() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            assertThat(Background.start(pool, () -> 6 * 7).get()).isEqualTo(42);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void whatMakingThrewIsThrownAsTheCallerWouldHaveThrownIt() {
        var bad = new InvalidInputException("bad_file", "places.csv line 3: lat is missing", java.util.Map.of());
        assertThatThrownBy(() -> Background.start("t", () -> {
                            throw bad;
                        })
                        .get())
                .isSameAs(bad);
        var oom = new OutOfMemoryError("Java heap space");
        assertThatThrownBy(() -> Background.start("t", () -> {
                            throw oom;
                        })
                        .get())
                .isSameAs(oom);
        var io = new IOException("disk gone");
        assertThatThrownBy(() -> Background.start("t", () -> {
                            throw io;
                        })
                        .get())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("disk gone")
                .hasCause(io);
    }

    @Test
    void anInterruptedWaitEndsAndKeepsTheFlag() {
        var never = new CountDownLatch(1);
        Background<String> value = Background.start("t", () -> {
            never.await();
            return "never";
        });
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(value::get).isInstanceOf(IllegalStateException.class);
            assertThat(Thread.interrupted()).isTrue(); // and clears it for the next test
        } finally {
            never.countDown();
        }
    }
}
