package dev.coffer.usage;

import dev.coffer.identity.UserId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Rebuilds usage counters from the data itself (every item of the user's partitions, every object
 * of the user's folder), reports where the counters had drifted (a write whose counter update
 * failed, a presigned URL never used, a crash between a write and its count) and writes the
 * measured numbers. A write racing the recount may be counted twice or not at all: run it when
 * the user is quiet, or run it again.
 */
public final class Recount {
    private final UsageStore store;
    private final Function<UserId, Map<String, Usage.Stored>> items;
    private final Function<UserId, Usage.Stored> files;
    private final Supplier<Set<UserId>> owners;

    /**
     * @param items the user's items and bytes per collection, from the tables
     * @param files the user's files and bytes, from S3
     * @param owners every user with items or files
     */
    public Recount(UsageStore store, Function<UserId, Map<String, Usage.Stored>> items, Function<UserId, Usage.Stored> files,
                   Supplier<Set<UserId>> owners) {
        this.store = store;
        this.items = items;
        this.files = files;
        this.owners = owners;
    }

    /** What the counters said and what the data holds, for one user. */
    public record Drift(UserId user, Map<String, Long> counted, Map<String, Long> measured) {
        public Drift {
            counted = Map.copyOf(counted);
            measured = Map.copyOf(measured);
        }

        /** Counter name to measured minus counted, for every counter that differs; empty when none drifted. */
        public Map<String, Long> differences() {
            var names = new TreeMap<String, Long>();
            counted.keySet().forEach(name -> names.put(name, 0L));
            measured.keySet().forEach(name -> names.put(name, 0L));
            var result = new TreeMap<String, Long>();
            names.keySet().forEach(name -> {
                long difference = measured.getOrDefault(name, 0L) - counted.getOrDefault(name, 0L);
                if (difference != 0) {
                    result.put(name, difference);
                }
            });
            return result;
        }

        public boolean drifted() {
            return !differences().isEmpty();
        }
    }

    /** Measures {@code user}'s data; when {@code fix}, writes the measured numbers over the counters. */
    public Drift recount(UserId user, boolean fix) {
        Usage counted = store.read(user);
        Usage.Stored stored = files.apply(user);
        Usage measured = new Usage(user, stored.count(), stored.bytes(), items.apply(user), Map.of());
        Drift drift = new Drift(user, counted.counters(), measured.counters());
        if (fix && drift.drifted()) {
            store.overwrite(user, measured);
        }
        return drift;
    }

    /** Every user with a usage item, items or files. */
    public List<Drift> recountAll(boolean fix) {
        var users = new LinkedHashSet<UserId>();
        store.all().forEach(u -> users.add(u.user()));
        users.addAll(owners.get());
        var result = new ArrayList<Drift>();
        users.forEach(user -> result.add(recount(user, fix)));
        return result;
    }
}
