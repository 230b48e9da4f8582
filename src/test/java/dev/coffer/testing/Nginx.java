package dev.coffer.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A real nginx on loopback balancing round-robin over Coffer instances, run as this JVM's child
 * with its configuration, pid file, logs and temp folders in a temp dir (no root-owned path). The
 * proxy settings are the ones deploy/nginx.conf recommends for event streams (no buffering, read
 * timeout above the heartbeat); {@code X-Upstream} tells a test which instance answered. nginx
 * comes from COFFER_NGINX, /usr/sbin/nginx or PATH (scripts/balancer.sh installs it in CI).
 */
public final class Nginx implements AutoCloseable {
    private static final Duration READY_WITHIN = Duration.ofSeconds(20);
    private final Process process;
    private final int port;
    private final Path dir;

    private Nginx(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static Nginx start(List<Integer> upstreamPorts) {
        try {
            Path dir = Files.createTempDirectory("instances-nginx-");
            Files.createDirectories(dir.resolve("logs"));
            int port;
            try (var socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            String servers = upstreamPorts.stream().map(p -> "    server 127.0.0.1:" + p + " max_fails=1 fail_timeout=30s;")
                    .collect(Collectors.joining("\n"));
            String conf = """
                    daemon off;
                    worker_processes 1;
                    pid %1$s/nginx.pid;
                    error_log %1$s/logs/error.log warn;
                    events { worker_connections 512; }
                    http {
                      access_log %1$s/logs/access.log;
                      client_body_temp_path %1$s/body;
                      proxy_temp_path %1$s/proxy;
                      fastcgi_temp_path %1$s/fastcgi;
                      uwsgi_temp_path %1$s/uwsgi;
                      scgi_temp_path %1$s/scgi;
                      upstream coffer {
                    %2$s
                        keepalive 16;
                      }
                      server {
                        listen 127.0.0.1:%3$d;
                        client_max_body_size 64m;
                        location / {
                          proxy_pass http://coffer;
                          proxy_http_version 1.1;
                          proxy_set_header Connection "";
                          proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                          proxy_buffering off;
                          proxy_request_buffering off;
                          proxy_read_timeout 1h;
                          proxy_next_upstream error timeout;
                          add_header X-Upstream $upstream_addr always;
                        }
                      }
                    }
                    """.formatted(dir, servers, port);
            Path confFile = dir.resolve("nginx.conf");
            Files.writeString(confFile, conf);
            var builder = new ProcessBuilder(binary(), "-p", dir.toString(), "-c", confFile.toString());
            builder.redirectErrorStream(true).redirectOutput(dir.resolve("logs/stdout.log").toFile());
            var nginx = new Nginx(builder.start(), port, dir);
            nginx.awaitListening();
            return nginx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String binary() {
        String configured = System.getenv("COFFER_NGINX");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        return Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
    }

    private void awaitListening() {
        Instant deadline = Instant.now().plus(READY_WITHIN);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited with " + process.exitValue() + "; see " + dir.resolve("logs"));
            }
            try (var socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.onSpinWait();
            }
        }
        throw new IllegalStateException("nginx not listening within " + READY_WITHIN + "; see " + dir.resolve("logs"));
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    public Http http() {
        return new Http(uri());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
