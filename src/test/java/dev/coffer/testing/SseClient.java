package dev.coffer.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A Server-Sent Events client for tests, as EventSource parses the wire format: events (with
 * their id, name and data) in arrival order, and a count of heartbeat comments. Reads on a
 * virtual thread of its own; {@link #close} ends the connection.
 */
public final class SseClient implements AutoCloseable {
    /** One event: {@code name} is "message" unless the server named it. */
    public record Event(String id, String name, String data) {
    }

    /** How long a test waits for an event that must come: a guard against hanging, not a measured time. */
    private static final Duration GUARD = Duration.ofSeconds(30);
    private static final Event END = new Event("", "end-of-stream", "");

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final AtomicInteger heartbeats = new AtomicInteger();
    private final HttpResponse<Stream<String>> response;
    private final Thread reader;

    private SseClient(URI uri, String token, String lastEventId) {
        var request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").header("Authorization", "Bearer " + token);
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        try {
            response = client.send(request.GET().build(), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        reader = Thread.ofVirtual().start(this::read);
    }

    public static SseClient open(URI base, String path, String token, String lastEventId) {
        return new SseClient(base.resolve(path), token, lastEventId);
    }

    public int status() {
        return response.statusCode();
    }

    public String contentType() {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    public java.util.Optional<String> header(String name) {
        return response.headers().firstValue(name);
    }

    public int heartbeats() {
        return heartbeats.get();
    }

    private void read() {
        String id = null;
        String name = "message";
        var data = new ArrayList<String>();
        try (Stream<String> lines = response.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(id, name, String.join("\n", data)));
                    }
                    name = "message";
                    data.clear();
                } else if (line.startsWith(":")) {
                    heartbeats.incrementAndGet();
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.add(line.substring(6));
                }
            }
        } catch (RuntimeException closed) {
            // the connection ended
        }
        events.add(END);
    }

    /** The next event (of any name); fails when none comes within the guard time. */
    public Event next() {
        try {
            Event e = events.poll(GUARD.toMillis(), TimeUnit.MILLISECONDS);
            if (e == null) {
                throw new AssertionError("no event within " + GUARD);
            }
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next {@code count} change events (named "message"), skipping none. */
    public List<Event> nextChanges(int count) {
        var out = new ArrayList<Event>();
        while (out.size() < count) {
            Event e = next();
            if (e == END) {
                throw new AssertionError("the stream ended after " + out);
            }
            if (e.name().equals("message")) {
                out.add(e);
            }
        }
        return out;
    }

    /** True when the server ended the stream (after the events already received). */
    public boolean endedAfterDraining() {
        while (true) {
            Event e = next();
            if (e == END) {
                return true;
            }
        }
    }

    @Override
    public void close() {
        reader.interrupt();
        client.shutdownNow();
    }
}
