package dev.gatehouse.server.authentication;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The threads that read a cached credential's state again while requests go on with the entry they
 * have (issue 12: a paced check's p99 was the requests that waited on the session cache's read once
 * a second). Two threads: a read is one short query, and each cached entry has at most one read in
 * flight (Caffeine joins refreshes of a key), so the queue holds at most one task per entry; the
 * refreshes must not take the connection pool from the requests that do need the database.
 */
@Component
class CacheRefreshes implements Executor, DisposableBean {

    private static final int THREADS = 2;

    private final ThreadPoolExecutor threads = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), Thread.ofPlatform().name("cache-refresh-", 0).daemon().factory());

    @Override
    public void execute(Runnable refresh) {
        threads.execute(refresh);
    }

    @Override
    public void destroy() {
        threads.shutdownNow();
    }
}
