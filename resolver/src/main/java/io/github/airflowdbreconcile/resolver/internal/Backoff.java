package io.github.airflowdbreconcile.resolver.internal;

import java.time.Duration;

/** Doubling pauses between attempts, never past a deadline. */
final class Backoff {
    private final long deadline;
    private final long maxPauseNanos;
    private long pauseNanos;

    Backoff(Duration total, Duration firstPause, Duration maxPause) {
        this.deadline = System.nanoTime() + total.toNanos();
        this.pauseNanos = firstPause.toNanos();
        this.maxPauseNanos = maxPause.toNanos();
    }

    static Backoff within(Duration total) {
        return new Backoff(total, Duration.ofMillis(250), Duration.ofSeconds(5));
    }

    /** Time left, never negative. */
    Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /** Sleeps before the next attempt; false when the deadline has passed and no attempt is left. */
    boolean pause() {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        try {
            Thread.sleep(Duration.ofNanos(Math.min(pauseNanos, left)).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        pauseNanos = Math.min(pauseNanos * 2, maxPauseNanos);
        return deadline - System.nanoTime() > 0;
    }
}
