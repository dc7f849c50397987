package dev.udsproxy.podonhost;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * This module imports Quarkus's BOM for the operator's fabric8 and Jackson: the versions must not drift apart. The
 * root pom holds quarkus.version (one place); no module may set its own.
 */
class QuarkusVersionTest {

    @Test
    void theBomIsTheOneTheOperatorBuildsWith() throws Exception {
        Path repo = Path.of(System.getProperty("udsproxy.repo", "../.."));
        Pattern property = Pattern.compile("<quarkus\\.version>([^<]+)</quarkus\\.version>");
        Matcher m = property.matcher(Files.readString(repo.resolve("pom.xml")));
        assertThat(m.find()).as("quarkus.version in the root pom.xml").isTrue();
        for (String module : new String[] {"operator/pom.xml", "cli/pom.xml", "e2e/pod-on-host/pom.xml"}) {
            assertThat(property.matcher(Files.readString(repo.resolve(module))).find())
                    .as("%s sets its own quarkus.version; the root pom's is the one", module).isFalse();
        }
        assertThat(System.getProperty("udsproxy.quarkus.version"))
                .as("quarkus.version of e2e/pod-on-host/pom.xml; set it to the operator's")
                .isEqualTo(m.group(1));
    }
}
