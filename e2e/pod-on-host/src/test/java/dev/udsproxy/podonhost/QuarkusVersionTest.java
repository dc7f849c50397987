package dev.udsproxy.podonhost;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** This module imports Quarkus's BOM for the operator's fabric8 and Jackson: the versions must not drift apart. */
class QuarkusVersionTest {

    @Test
    void theBomIsTheOneTheOperatorBuildsWith() throws Exception {
        Path repo = Path.of(System.getProperty("udsproxy.repo", "../.."));
        Matcher m = Pattern.compile("<quarkus\\.version>([^<]+)</quarkus\\.version>")
                .matcher(Files.readString(repo.resolve("operator/pom.xml")));
        assertThat(m.find()).as("quarkus.version in operator/pom.xml").isTrue();
        assertThat(System.getProperty("udsproxy.quarkus.version"))
                .as("quarkus.version of e2e/pod-on-host/pom.xml; set it to the operator's")
                .isEqualTo(m.group(1));
    }
}
