package dev.coffer.http;

/** A feature's HTTP routes: each piece (auth, records, files, ...) contributes one. */
public interface ApiModule {
    void register(Routes routes);
}
