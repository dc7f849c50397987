package dev.udsproxy.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlPlaneBinariesTest {

    private static final Path HOME = Path.of("/home/tester");

    @Test
    void systemPropertyBeatsEnvironmentBeatsDefault() {
        Map<String, String> env = Map.of(ControlPlaneBinaries.ENV, "/from/env");

        assertThat(ControlPlaneBinaries.resolveDir("/from/property", env, HOME)).isEqualTo(Path.of("/from/property"));
        assertThat(ControlPlaneBinaries.resolveDir(null, env, HOME)).isEqualTo(Path.of("/from/env"));
        assertThat(ControlPlaneBinaries.resolveDir(" ", Map.of(), HOME))
                .isEqualTo(Path.of("/home/tester/.cache/udsproxy/k8s-v1.34.4/bin"));
    }

    @Test
    void missingBinaryFailsWithHowToBuildIt(@TempDir Path dir) {
        ControlPlaneBinaries binaries = new ControlPlaneBinaries(dir);

        assertThatThrownBy(binaries::kubeApiserver)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'kube-apiserver'")
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("e2e/controlplane/build.sh")
                .hasMessageContaining(ControlPlaneBinaries.ENV);
    }

    @Test
    void nonExecutableFileIsNotABinary(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("helm"), "not a program");
        Files.setPosixFilePermissions(dir.resolve("helm"), PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(new ControlPlaneBinaries(dir)::helm).hasMessageContaining("'helm'");
    }

    @Test
    void executableIsFound(@TempDir Path dir) throws Exception {
        Path kubectl = Files.writeString(dir.resolve("kubectl"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(kubectl, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThat(new ControlPlaneBinaries(dir).kubectl()).isEqualTo(kubectl);
    }
}
