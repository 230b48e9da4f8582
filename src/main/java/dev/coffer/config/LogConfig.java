package dev.coffer.config;

/** How Coffer logs: {@code text} for people, {@code json} lines for collectors. */
public record LogConfig(String format, String level) {
    public boolean json() {
        return format.equals("json");
    }
}
