package com.walkindb.server.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes a connection whose next request head (request line and headers) is not complete
 * within a deadline of the connection's open or of its previous answer. Every byte a client
 * sends resets Jetty's idle timeout, so without this a head trickled a byte every few seconds
 * (slowloris) could hold a connection for hours (docs/SECURITY.md, HTTP edge).
 *
 * <p>Jetty runs the handler as soon as a head is parsed: {@link #around} stops the connection's
 * timer there and starts a new one when the answer is complete. A timer only closes the
 * connection while it is still the connection's current one, so a request arriving as it fires
 * is safe. Register it as a connector bean (for open and close) and wrap the handler with it.
 */
public final class RequestHeadDeadline implements Connection.Listener {
    private final Scheduler scheduler;
    private final long deadlineMillis;
    /** The timer of every connection waiting for a request head. */
    private final ConcurrentHashMap<Connection, Timer> waiting = new ConcurrentHashMap<>();

    /** {@code deadlineMillis} should exceed the idle timeout, which ends connections that send nothing. */
    public RequestHeadDeadline(Scheduler scheduler, long deadlineMillis) {
        this.scheduler = scheduler;
        this.deadlineMillis = deadlineMillis;
    }

    @Override
    public void onOpened(Connection connection) {
        arm(connection);
    }

    @Override
    public void onClosed(Connection connection) {
        disarm(connection);
    }

    /** {@code next}, with each request stopping its connection's timer until its answer is complete. */
    public Handler around(Handler next) {
        return new Handler.Wrapper(next) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Connection connection = request.getConnectionMetaData().getConnection();
                disarm(connection);
                // Jetty runs completion listeners before it parses the connection's next request.
                Request.addCompletionListener(request, failure -> arm(connection));
                return super.handle(request, response, callback);
            }
        };
    }

    private void arm(Connection connection) {
        if (!connection.getEndPoint().isOpen()) {
            return;
        }
        Timer timer = new Timer(connection);
        Timer old = waiting.put(connection, timer);
        if (old != null) {
            old.cancel();
        }
        timer.task = scheduler.schedule(timer, deadlineMillis, TimeUnit.MILLISECONDS);
        if (!connection.getEndPoint().isOpen()) {
            disarm(connection); // closed meanwhile: its onClosed may have run before the put
        }
    }

    private void disarm(Connection connection) {
        Timer timer = waiting.remove(connection);
        if (timer != null) {
            timer.cancel();
        }
    }

    /** One wait for a request head: closes the connection if it is still the current one. */
    private final class Timer implements Runnable {
        private final Connection connection;
        private volatile Scheduler.Task task;

        Timer(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void run() {
            if (waiting.remove(connection, this)) {
                connection.getEndPoint().close();
            }
        }

        void cancel() {
            Scheduler.Task t = task;
            if (t != null) {
                t.cancel();
            }
        }
    }
}
