package dev.coffer.credentials;

import dev.coffer.config.CredentialsConfig;
import dev.coffer.config.CredentialsMode;
import dev.coffer.credentials.CredentialSource.Found;
import dev.coffer.credentials.CredentialSource.Lookup;
import dev.coffer.credentials.CredentialSource.NotFound;
import dev.coffer.error.CofferException;
import dev.coffer.error.ErrorCode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Which sources a mode tries, in order, and the refusals that apply before any of them: keys past
 * their stated expiry, and mixed signals in {@code auto} (keys together with a profile or with
 * platform credentials) that SDKs would otherwise settle silently. The first source found wins;
 * when none is, the error lists each one's reason.
 */
final class SourceChain {
    private SourceChain() {
    }

    static Found find(CredentialsConfig c, StsClient sts, Clock clock) {
        c.expiration().ifPresent(expiry -> refuseExpired(expiry, clock));
        Found base = switch (c.mode()) {
            case LOCAL -> first(c, List.of(new LocalKeys()));
            case STATIC -> first(c, List.of(new StaticKeys()));
            case SESSION -> first(c, List.of(new SessionKeys()));
            case ROLE -> first(c, platform(sts));
            case PROFILE, SSO -> first(c, List.of(new ProfileCredentials(c.mode())));
            case AUTO, ASSUME_ROLE -> auto(c, sts);
        };
        if (c.assumeRoleArn().isPresent() && c.mode() != CredentialsMode.LOCAL) {
            try {
                return (Found) new AssumeRole(sts, base, clock).find(c);
            } catch (RuntimeException e) {
                base.close();
                throw e;
            }
        }
        return base;
    }

    /** What a role's platform offers: container credentials, then web identity, then the instance profile. */
    private static List<CredentialSource> platform(StsClient sts) {
        return List.of(new ContainerCredentials(), new WebIdentity(sts), new InstanceProfile());
    }

    private static Found auto(CredentialsConfig c, StsClient sts) {
        boolean keys = StaticKeys.present(c);
        if (keys && c.profile().isPresent()) {
            throw mixed("AWS_ACCESS_KEY_ID (from " + c.keySource() + ") and AWS_PROFILE=" + c.profile().get()
                    + " are both set; SDKs disagree on which wins", "remove AWS_PROFILE, or remove the keys and set "
                    + "COFFER_AWS_CREDENTIALS_MODE=profile");
        }
        if (keys && c.platformCredentialsPresent()) {
            throw mixed("AWS_ACCESS_KEY_ID (from " + c.keySource() + ") and platform credentials ("
                    + (c.containerUri().isPresent() ? "AWS_CONTAINER_CREDENTIALS_*" : "AWS_WEB_IDENTITY_TOKEN_FILE")
                    + ") are both set", "remove the keys to use the platform's role, or set COFFER_AWS_CREDENTIALS_MODE=static");
        }
        var sources = new ArrayList<CredentialSource>();
        // Explicit keys are static or session keys by whether a token comes with them.
        sources.add(c.sessionToken().isPresent() ? new SessionKeys() : new StaticKeys());
        sources.addAll(platform(sts));
        return first(c, sources);
    }

    private static Found first(CredentialsConfig c, List<CredentialSource> sources) {
        var reasons = new ArrayList<String>();
        for (CredentialSource source : sources) {
            Lookup lookup = source.find(c);
            switch (lookup) {
                case Found found -> {
                    return found;
                }
                case NotFound notFound -> reasons.add(notFound.reason());
            }
        }
        throw nothingFound(c, reasons);
    }

    private static CofferException nothingFound(CredentialsConfig c, List<String> reasons) {
        if (c.mode() == CredentialsMode.STATIC || c.mode() == CredentialsMode.SESSION) {
            return StaticKeys.missing(c, c.mode());
        }
        return new CofferException(ErrorCode.NO_CREDENTIALS, "no AWS credentials found; tried " + String.join("; ", reasons)
                + " (~/.aws files are never read in " + c.mode() + " mode)", "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                + "run on a platform with a role, or choose a profile with COFFER_AWS_CREDENTIALS_MODE=profile and AWS_PROFILE");
    }

    private static void refuseExpired(Instant expiry, Clock clock) {
        if (!clock.instant().isBefore(expiry)) {
            throw new CofferException(ErrorCode.EXPIRED_CREDENTIALS, "the AWS credentials expired at " + expiry
                    + " (AWS_CREDENTIAL_EXPIRATION)", "renew them (aws sso login, aws-vault exec, or aws configure "
                    + "export-credentials) and restart, or send SIGHUP after updating .env");
        }
    }

    private static CofferException mixed(String detail, String fix) {
        return new CofferException(ErrorCode.NO_CREDENTIALS, "conflicting credential settings: " + detail, fix);
    }
}
