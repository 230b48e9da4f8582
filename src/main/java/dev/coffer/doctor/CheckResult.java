package dev.coffer.doctor;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The outcome of one doctor check: ok, a warning, a failure with its cause and fix, or skipped with the reason. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface CheckResult {
    String check();

    String status();

    record Ok(String check, String detail) implements CheckResult {
        @Override
        public String status() {
            return "ok";
        }
    }

    record Failed(String check, String code, String cause, String fix) implements CheckResult {
        @Override
        public String status() {
            return "fail";
        }
    }

    /** Works, but something deserves a look (e.g. a configured name nothing reads). Not a failure. */
    record Warned(String check, String detail) implements CheckResult {
        @Override
        public String status() {
            return "warn";
        }
    }

    /** Could not be checked (an earlier check failed, or the identity may not look). Not a failure. */
    record Skipped(String check, String reason) implements CheckResult {
        @Override
        public String status() {
            return "skipped";
        }
    }

    /** The line `coffer doctor` prints. */
    default String line() {
        return switch (this) {
            case Ok ok -> "ok    " + ok.check() + (ok.detail() == null || ok.detail().isEmpty() ? "" : ": " + ok.detail());
            case Failed f -> "FAIL  " + f.check() + ": " + f.code() + ": " + f.cause() + (f.fix() == null ? "" : ". Fix: " + f.fix());
            case Warned w -> "warn  " + w.check() + ": " + w.detail();
            case Skipped s -> "skip  " + s.check() + ": " + s.reason();
        };
    }
}
