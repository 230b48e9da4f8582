package dev.coffer.config;

/** A raw value and where it came from ({@code coffer.toml}, {@code .env}, {@code environment}, {@code --flag}). */
public record Setting(String value, String source) {
}
