package dev.coffer.config;

/**
 * Something configured that Coffer will not act on, found while loading: an environment variable
 * that looks like Coffer or AWS configuration but is read by nobody, or two names for one key
 * with different values. Start-up goes on; {@code serve} logs each once, {@code doctor} prints
 * each as a {@code warn} line, the other commands print them on stderr.
 *
 * @param variable the environment variable the warning is about
 * @param message  the whole line, naming the variable and, when one is close, the name meant
 */
public record ConfigWarning(String variable, String message) {
}
