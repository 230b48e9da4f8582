package dev.coffer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What one server process costs, read from Linux's /proc: CPU seconds (user + system, from
 * {@code /proc/PID/stat}) and resident memory ({@code VmRSS} of {@code /proc/PID/status}), plus the
 * machine's load average ({@code /proc/loadavg}), which the bench records next to every figure
 * because this machine is shared. A background sampler keeps the peak RSS since the last reset.
 */
final class ProcessProbe implements AutoCloseable {
    /** Linux reports CPU times in clock ticks of 1/100 s on every kernel this runs on (USER_HZ). */
    private static final double TICKS_PER_SECOND = 100.0;
    private final long pid;
    private volatile long peakRssKiB;
    private final Thread sampler;

    ProcessProbe(long pid) {
        this.pid = pid;
        this.sampler = Thread.ofPlatform().daemon().name("rss-" + pid).start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long rss = rssKiB();
                if (rss > peakRssKiB) {
                    peakRssKiB = rss;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    long pid() {
        return pid;
    }

    /** User + system CPU seconds the process has used so far. */
    double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name (which may hold spaces) start at field 3 (state);
            // utime and stime are fields 14 and 15.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Resident memory now, KiB; -1 once the process is gone. */
    long rssKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    /** RSS now split as {@code /proc/PID/smaps_rollup} counts it: anonymous (heap, stacks, malloc) and file-backed (the jar, the class-data cache). */
    static String rssSplit(long pid) {
        try {
            long anon = 0;
            long file = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Pss_Anon:")) {
                    anon = Long.parseLong(line.replaceAll("[^0-9]", ""));
                } else if (line.startsWith("Pss_File:")) {
                    file = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return "anon " + mib(anon) + ", file " + mib(file);
        } catch (IOException | RuntimeException e) {
            return "-";
        }
    }

    /** The highest RSS sampled (every 100 ms) since the last {@link #resetPeak()}, KiB. */
    long peakRssKiB() {
        return Math.max(peakRssKiB, rssKiB());
    }

    void resetPeak() {
        peakRssKiB = rssKiB();
    }

    /** The 1-minute load average of the machine, as text. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0];
        } catch (IOException e) {
            return "?";
        }
    }

    static String mib(long kib) {
        return kib < 0 ? "-" : String.format(Locale.ROOT, "%.0f", kib / 1024.0);
    }

    @Override
    public void close() {
        sampler.interrupt();
    }
}
