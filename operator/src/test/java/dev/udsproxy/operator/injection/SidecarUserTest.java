package dev.udsproxy.operator.injection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.operator.customresource.SidecarProfileSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The sidecar runs as the app's user where the spec says who that is; elsewhere the admission warns with the fix. */
class SidecarUserTest {

    @ParameterizedTest(name = "container {0}:{1}, Pod {2}:{3}, profile {4} -> sidecar {5}:{6}, warns {7}")
    @CsvSource(nullValues = "-", value = {
        // container uid, gid | Pod uid, gid | profile runAsUser | sidecar uid, gid | warning names
        // The app's user known: the sidecar is that user, so it owns the app's socket (mode 0755 under umask 022).
        "1000, 1000, -,    -,    -,     1000,  1000, -",
        "-,    -,    1000, 2000, -,     1000,  2000, -",
        "1001, -,    1000, 2000, -,     1001,  2000, -",
        // The container's user wins over the Pod's, as in the kubelet; its group too.
        "1001, 3000, 1000, 2000, -,     1001,  3000, -",
        // No group anywhere: the user's number, never the gid 0 the runtime would take from the sidecar image's passwd.
        "1000, -,    -,    -,    -,     1000,  1000, -",
        // Unknown at admission (the image's USER): the sidecar image's user, and a warning that names the fix.
        "-,    -,    -,    -,    -,     65532, -,    set securityContext.runAsUser on container app or on the Pod",
        // Root: the sidecar is never root (Pod Security restricted).
        "0,    0,    -,    -,    -,     65532, -,    runs as root (runAsUser 0)",
        "-,    -,    0,    -,    -,     65532, -,    runs as root (runAsUser 0)",
        // A profile that fixes the user: kept; a warning when the app is someone else.
        "-,    -,    1000, -,    70000, 70000, -,    SidecarProfile p runs the sidecar as uid 70000 and container app runs as uid 1000",
        "-,    -,    -,    -,    70000, 70000, -,    container app runs as its image's user",
        "-,    -,    70000, -,   70000, 70000, -,    -",
    })
    void theSidecarFollowsTheAppsUser(Long containerUid, Long containerGid, Long podUid, Long podGid,
            Long profileUser, long sidecarUid, Long sidecarGid, String warning) {
        SidecarProfileSpec spec = new SidecarProfileSpec();
        spec.runAsUser = profileUser;
        ProfileSettings profile = ProfileSettings.from("p", spec);
        Container app = new ContainerBuilder().withName("app").withNewSecurityContext().withRunAsUser(containerUid)
                .withRunAsGroup(containerGid).endSecurityContext().build();
        Pod pod = new PodBuilder().withNewSpec().withContainers(app).withNewSecurityContext().withRunAsUser(podUid)
                .withRunAsGroup(podGid).endSecurityContext().endSpec().build();

        SidecarUser user = SidecarUser.decide(pod, app, profile);

        assertThat(user.uid()).isEqualTo(sidecarUid);
        assertThat(user.gid()).isEqualTo(sidecarGid);
        if (warning == null) {
            assertThat(user.warning()).isEmpty();
        } else {
            assertThat(user.warning()).hasValueSatisfying(w -> assertThat(w).contains(warning)
                    // Every warning names the other fix too, with the group the sidecar then goes through.
                    .contains("mode 0660").contains("fsGroup 65532").contains("umask 022 (mode 0755)"));
        }
    }

    @ParameterizedTest(name = "Pod fsGroup {0}")
    @CsvSource({"4000", "65532"})
    void theWarningNamesThePodsOwnFsGroup(long fsGroup) {
        Container app = new ContainerBuilder().withName("web").build();
        Pod pod = new PodBuilder().withNewSpec().withContainers(app).withNewSecurityContext().withFsGroup(fsGroup)
                .endSecurityContext().endSpec().build();

        SidecarUser user = SidecarUser.decide(pod, app, ProfileSettings.from("default", null));

        assertThat(user.warning()).hasValueSatisfying(w -> assertThat(w).contains("container web has no runAsUser")
                .contains("fsGroup " + fsGroup));
    }
}
