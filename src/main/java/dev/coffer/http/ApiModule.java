package dev.coffer.http;

import io.javalin.config.RoutesConfig;

/** A feature's HTTP routes: each piece (auth, records, files, ...) contributes one. */
public interface ApiModule {
    void register(RoutesConfig routes);
}
