package dev.coffer.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Coffer's version: the jar manifest's, else {@code version.properties} beside this class (filled
 * in by the build, so tests and {@code ./coffer} from classes report the same version as the jar:
 * the committed OpenAPI documents carry it), else "dev".
 */
public final class Version {
    private static final String UNKNOWN = "dev";

    private Version() {
    }

    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v != null ? v : fromBuild();
    }

    private static String fromBuild() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return UNKNOWN;
            }
            var properties = new Properties();
            properties.load(in);
            String v = properties.getProperty("version", UNKNOWN);
            return v.isBlank() || v.startsWith("${") ? UNKNOWN : v;
        } catch (IOException e) {
            return UNKNOWN;
        }
    }
}
