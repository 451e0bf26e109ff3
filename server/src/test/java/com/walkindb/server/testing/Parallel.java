package com.walkindb.server.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Calls a test makes at the same time as others: all at once, or one in the background. */
public final class Parallel {
    private Parallel() {}

    /** Runs tasks at once on their own threads and returns their results in order. */
    public static <T> List<T> concurrently(List<Callable<T>> tasks) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(tasks.size())) {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> t : tasks) {
                futures.add(pool.submit(t));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        }
    }

    /** Starts a task on its own thread. */
    public static <T> Future<T> background(Callable<T> task) {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            return pool.submit(task);
        } finally {
            pool.shutdown();
        }
    }
}
