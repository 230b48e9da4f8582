package dev.coffer.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A closed-loop HTTP load generator in C: {@code wrk} with one thread and N connections, each
 * sending the next request as soon as the last answer arrived, for a bounded time and at most a
 * bounded number of requests. Its own CPU per request is a small fraction of the JDK HttpClient's,
 * so on a two-core machine less of what is measured is the generator. wrk reports latency as a
 * histogram; the result carries its 1,000 quantiles (0.1 % steps) as the latency samples.
 */
final class WrkRunner {
    private WrkRunner() {
    }

    /** True when {@code wrk} is on the PATH. */
    static boolean available() {
        try {
            Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * One request of the load, as Lua: the method, a Lua expression for the path (may use
     * {@code counter}, this thread's request number), the headers and a Lua expression for the body
     * ({@code nil} for none).
     */
    record Request(String method, String pathExpression, java.util.Map<String, String> headers, String bodyExpression) {
    }

    static LoadRunner.Result run(String name, URI base, int connections, Duration duration, long maxRequests, Request request)
            throws IOException, InterruptedException {
        return run(name, base, 1, connections, duration, maxRequests, request);
    }

    /** As above with {@code threads} wrk threads (the connections are split among them). */
    static LoadRunner.Result run(String name, URI base, int threads, int connections, Duration duration, long maxRequests,
                                 Request request) throws IOException, InterruptedException {
        var lua = new StringBuilder();
        lua.append("local counter = 0\nlocal max = ").append(maxRequests).append("\nlocal headers = {}\n");
        request.headers().forEach((k, v) -> lua.append("headers[\"").append(k).append("\"] = \"").append(v).append("\"\n"));
        lua.append("local body = ").append(request.bodyExpression() == null ? "nil" : request.bodyExpression()).append("\n");
        lua.append("""
                request = function()
                  counter = counter + 1
                  return wrk.format("%s", %s, headers, body)
                end
                response = function(status, headers, body)
                  if counter >= max then wrk.thread:stop() end
                end
                done = function(summary, latency, requests)
                  local e = summary.errors
                  io.write(string.format("requests %%d\\n", summary.requests))
                  io.write(string.format("duration_us %%d\\n", summary.duration))
                  io.write(string.format("errors %%d\\n", e.connect + e.read + e.write + e.status + e.timeout))
                  for i = 1, 1000 do io.write(string.format("q %%d\\n", latency:percentile(i / 10.0))) end
                end
                """.formatted(request.method(), request.pathExpression()));
        Path script = Files.createTempFile("coffer-wrk-", ".lua");
        try {
            Files.writeString(script, lua);
            Process p = new ProcessBuilder("wrk", "-t" + threads, "-c" + connections, "-d" + Math.max(1, duration.toMillis() / 1000) + "s",
                    "--timeout", "60s", "-s", script.toString(), base.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(duration.toSeconds() + 120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("wrk failed: " + out);
            }
            return parse(name, connections, out);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static LoadRunner.Result parse(String name, int connections, String out) {
        long requests = -1;
        long durationMicros = -1;
        long errors = 0;
        List<Long> quantiles = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] parts = line.trim().split(" ");
            switch (parts[0]) {
                case "requests" -> requests = Long.parseLong(parts[1]);
                case "duration_us" -> durationMicros = Long.parseLong(parts[1]);
                case "errors" -> errors = Long.parseLong(parts[1]);
                case "q" -> quantiles.add(Long.parseLong(parts[1]) * 1000);
                default -> {
                    // wrk's own summary lines
                }
            }
        }
        if (requests < 0 || durationMicros <= 0 || quantiles.size() != 1000) {
            throw new IllegalStateException("unreadable wrk output: " + out);
        }
        long[] latencies = quantiles.stream().mapToLong(Long::longValue).sorted().toArray();
        return new LoadRunner.Result(name, connections, requests - errors, errors, Duration.ofNanos(durationMicros * 1000), latencies);
    }
}
