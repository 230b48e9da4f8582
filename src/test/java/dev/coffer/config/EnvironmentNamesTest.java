package dev.coffer.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.profiles.ProfileFileSystemSetting;
import software.amazon.awssdk.services.s3.S3SystemSetting;
import software.amazon.awssdk.utils.SystemSetting;

/** The deliberate lists of {@link EnvironmentNames} stay complete and apart. */
class EnvironmentNamesTest {

    private static Set<String> readByCoffer() {
        var names = new HashSet<String>();
        ConfigKeys.all().forEach(key -> names.addAll(key.envNames()));
        return names;
    }

    @Test
    void everyNameTheSdkReads_isReadByCofferOrPlacedInOneList() {
        // An SDK upgrade that reads a new variable fails here until someone decides where it belongs.
        var settings = new ArrayList<SystemSetting>();
        settings.addAll(List.of(SdkSystemSetting.values()));
        settings.addAll(List.of(ProfileFileSystemSetting.values()));
        settings.addAll(List.of(S3SystemSetting.values()));
        Set<String> coffer = readByCoffer();
        for (SystemSetting setting : settings) {
            String name = setting.environmentVariable();
            if (name == null || !EnvironmentNames.watched(name)) {
                continue;
            }
            assertThat(coffer.contains(name) || EnvironmentNames.READ_BY_SDK.contains(name)
                    || EnvironmentNames.SET_BY_PLATFORM.contains(name) || EnvironmentNames.USE_INSTEAD.containsKey(name)
                    || EnvironmentNames.OVERRIDDEN_BY_COFFER.contains(name))
                    .as(name + " is read by Coffer or placed in one of EnvironmentNames' lists").isTrue();
        }
    }

    @Test
    void lists_doNotOverlapWithWhatCofferReads() {
        Set<String> coffer = readByCoffer();
        for (Set<String> list : List.of(EnvironmentNames.READ_BY_SDK, EnvironmentNames.SET_BY_PLATFORM,
                EnvironmentNames.COFFER_TOOLING, EnvironmentNames.USE_INSTEAD.keySet(), EnvironmentNames.OVERRIDDEN_BY_COFFER)) {
            assertThat(list).doesNotContainAnyElementsOf(coffer);
        }
        assertThat(EnvironmentNames.READ_BY_SDK).doesNotContainAnyElementsOf(EnvironmentNames.USE_INSTEAD.keySet());
        // Every suggested replacement is a name Coffer reads.
        assertThat(coffer).containsAll(EnvironmentNames.USE_INSTEAD.values());
    }

    @Test
    void readme_tablesNameEveryAliasAndEveryNamePassedBy() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String apps = readme.substring(readme.indexOf("**Environment names apps already use.**"),
                readme.indexOf("**Nothing configured is silently ignored.**"));
        for (ConfigKey key : ConfigKeys.all()) {
            for (String alias : key.envNames().subList(1, key.envNames().size())) {
                assertThat(apps).as("the apps' names table lists " + alias).contains("`" + alias + "`");
            }
        }
        String passedBy = readme.substring(readme.indexOf("**Nothing configured is silently ignored.**"));
        var documented = new ArrayList<String>();
        documented.addAll(EnvironmentNames.READ_BY_SDK);
        documented.addAll(EnvironmentNames.SET_BY_PLATFORM);
        documented.addAll(EnvironmentNames.COFFER_TOOLING);
        documented.addAll(EnvironmentNames.USE_INSTEAD.keySet());
        documented.addAll(EnvironmentNames.OVERRIDDEN_BY_COFFER);
        EnvironmentNames.SET_BY_PLATFORM_PREFIXES.forEach(prefix -> documented.add(prefix + "*"));
        for (String name : documented) {
            assertThat(passedBy).as("README documents " + name).contains("`" + name + "`");
        }
    }

    @Test
    void collectionTable_canonicalThenAppName_nonAlphanumericsAsUnderscore() {
        assertThat(EnvironmentNames.collectionTable("scan-results")).containsExactly("COFFER_COLLECTIONS_SCAN_RESULTS_TABLE",
                "DYNAMODB_SCAN_RESULTS_TABLE");
        assertThat(EnvironmentNames.collectionTable("users")).containsExactly("COFFER_COLLECTIONS_USERS_TABLE");
    }
}
