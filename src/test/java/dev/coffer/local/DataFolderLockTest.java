package dev.coffer.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One process per data folder: the claim, what others read of the holder, and the lock going with its process. */
class DataFolderLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondClaimInThisJvm_findsTheHolderOnceItPublishes_andTheFolderIsFreeAfterClose() throws Exception {
        Path data = dir.resolve("data");
        var first = (DataFolderLock.Claimed) DataFolderLock.claim(data);
        try (DataFolderLock lock = first.lock()) {
            assertThat(DataFolderLock.claim(data)).isEqualTo(new DataFolderLock.InUse(data.toRealPath(), Optional.empty()));
            lock.publish(URI.create("http://127.0.0.1:8000"), URI.create("http://127.0.0.1:9000"));
            assertThat(DataFolderLock.claim(data)).isEqualTo(new DataFolderLock.InUse(data.toRealPath(), Optional.of(
                    new DataFolderLock.Holder(ProcessHandle.current().pid(), URI.create("http://127.0.0.1:8000"),
                            URI.create("http://127.0.0.1:9000")))));
        }
        assertThat(Files.readString(data.resolve(DataFolderLock.FILE_NAME))).isEmpty();
        var again = DataFolderLock.claim(data);
        assertThat(again).isInstanceOf(DataFolderLock.Claimed.class);
        ((DataFolderLock.Claimed) again).lock().close();
    }

    /**
     * A second claim in this JVM must not open the file: closing any descriptor of it would drop
     * this JVM's lock (POSIX locks are per process), and another process could then claim it.
     */
    @Test
    void aSecondClaimInThisJvm_keepsTheLockFromOtherProcesses() throws Exception {
        Path data = dir.resolve("data");
        var first = (DataFolderLock.Claimed) DataFolderLock.claim(data);
        try (DataFolderLock lock = first.lock()) {
            lock.publish(URI.create("http://127.0.0.1:8000"), URI.create("http://127.0.0.1:9000"));
            assertThat(DataFolderLock.claim(data)).isInstanceOf(DataFolderLock.InUse.class);
            Process child = childClaiming(data);
            try {
                assertThat(firstLine(child)).isEqualTo("in use");
            } finally {
                kill(child);
            }
        }
    }

    /** The kernel's lock: another process holds it until it dies, {@code kill -9} included. */
    @Test
    void anotherProcessHoldsTheFolder_untilItIsKilled() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Process child = childClaiming(data);
        try {
            assertThat(firstLine(child)).isEqualTo("claimed");
            var claim = DataFolderLock.claim(data);
            assertThat(claim).isEqualTo(new DataFolderLock.InUse(data.toRealPath(), Optional.of(new DataFolderLock.Holder(child.pid(),
                    URI.create("http://127.0.0.1:4566"), URI.create("http://127.0.0.1:4567")))));
            assertThat(((DataFolderLock.InUse) claim).refusal().getMessage())
                    .isEqualTo("the data folder " + data.toRealPath() + " is in use by another Coffer (pid " + child.pid() + ")");
        } finally {
            kill(child);
        }
        var claim = DataFolderLock.claim(data);
        assertThat(claim).isInstanceOf(DataFolderLock.Claimed.class);
        ((DataFolderLock.Claimed) claim).lock().close();
    }

    @Test
    void aFolderThatCannotBeMade_isAStartUpFailureNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThatThrownBy(() -> DataFolderLock.claim(file.resolve("data")))
                .isInstanceOfSatisfying(CofferException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STARTUP_FAILED);
                    assertThat(e.getMessage()).startsWith("cannot lock the data folder " + file.resolve("data"));
                    assertThat(e.fix()).hasValueSatisfying(f -> assertThat(f).contains("local.data_dir"));
                });
    }

    /** The file is another process's writing: anything but what Coffer writes names no holder. */
    @ParameterizedTest
    @ValueSource(strings = {"", "pid=12\n", "pid=-1\ndynamodb=http://127.0.0.1:1\ns3=http://127.0.0.1:2\n",
        "pid=x\ndynamodb=http://127.0.0.1:1\ns3=http://127.0.0.1:2\n",
        "pid=12\ndynamodb=http://example.com:1\ns3=http://127.0.0.1:2\n",
        "pid=12\ndynamodb=https://127.0.0.1:1\ns3=http://127.0.0.1:2\n",
        "pid=12\ndynamodb=http://user@127.0.0.1:1\ns3=http://127.0.0.1:2\n",
        "pid=12\ndynamodb=http://127.0.0.1:1/path\ns3=http://127.0.0.1:2\n",
        "pid=12\ndynamodb=http://127.0.0.1\ns3=http://127.0.0.1:2\n",
        "pid=12\ndynamodb=not a uri\ns3=http://127.0.0.1:2\n"})
    void aHolderFileNotAsCofferWritesIt_namesNoHolder(String text) throws Exception {
        Files.writeString(dir.resolve(DataFolderLock.FILE_NAME), text);
        assertThat(DataFolderLock.read(dir)).isEmpty();
    }

    @Test
    void aHolderFileAsCofferWritesIt_namesTheHolder() throws Exception {
        Files.writeString(dir.resolve(DataFolderLock.FILE_NAME), "pid=12\ndynamodb=http://127.0.0.1:1\ns3=http://127.0.0.1:2\n");
        assertThat(DataFolderLock.read(dir)).contains(new DataFolderLock.Holder(12, URI.create("http://127.0.0.1:1"),
                URI.create("http://127.0.0.1:2")));
    }

    @Test
    void anOverlongHolderFile_namesNoHolder() throws Exception {
        Files.writeString(dir.resolve(DataFolderLock.FILE_NAME), "pid=12\ndynamodb=http://127.0.0.1:1\ns3=http://127.0.0.1:2\n"
                + "x".repeat(2000));
        assertThat(DataFolderLock.read(dir)).isEmpty();
    }

    /** A JVM of its own that claims {@code data} and says "claimed" (then waits) or "in use". */
    private static Process childClaiming(Path data) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), DataFolderLockChild.class.getName(),
                data.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static String firstLine(Process child) throws Exception {
        return new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    /** SIGKILL on Linux: no shutdown hook, no close. */
    private static void kill(Process child) throws Exception {
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
}
