package dev.udsproxy.operator.injection;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.Optional;

/**
 * Who the sidecar runs as, pure. connect(2) on a Unix socket needs write permission on the socket file, and a stock
 * app creates it under the runtime's umask 022: mode 0755, writable by its owner only (POSIX default ACLs do not
 * help, af_unix applies the umask itself). So the sidecar runs as the app's own user wherever the spec names it
 * (the container's runAsUser, else the Pod's): it is then the socket's owner, whatever mode the app chose. Where the
 * user cannot be known at admission (it comes from the image's USER), or is root (the sidecar never is: Pod Security
 * "restricted"), or the profile fixes another user, the sidecar runs as that other user and reaches the socket only
 * through the Pod's fsGroup; the admission then warns and names the fix.
 *
 * @param uid the sidecar container's runAsUser
 * @param gid its runAsGroup, or null to leave it to the Pod and the image (as before this class existed)
 * @param warning what the user must do for the sidecar to reach the socket, when it might not
 */
record SidecarUser(long uid, Long gid, Optional<String> warning) {
    /** The sidecar image's own USER (images/sidecar/Containerfile): used when the app's user is not to be followed. */
    static final long IMAGE_USER = 65532;

    static SidecarUser decide(Pod pod, Container app, ProfileSettings profile) {
        PodSecurityContext podContext = Optional.ofNullable(pod.getSpec().getSecurityContext())
                .orElseGet(PodSecurityContext::new);
        SecurityContext own = Optional.ofNullable(app.getSecurityContext()).orElseGet(SecurityContext::new);
        Long appUid = Optional.ofNullable(own.getRunAsUser()).orElse(podContext.getRunAsUser());
        Long appGid = Optional.ofNullable(own.getRunAsGroup()).orElse(podContext.getRunAsGroup());
        long fsGroup = Optional.ofNullable(podContext.getFsGroup()).orElse(profile.socketGroup());
        String fix = "create the socket with group write (mode 0660, e.g. umask 0007 before listening): the sidecar"
                + " reaches it only through the Pod's fsGroup " + fsGroup + ", and a socket created under the default"
                + " umask 022 (mode 0755) refuses it (EACCES: the Pod never becomes Ready)";

        if (profile.runAsUser() != null) {
            long fixed = profile.runAsUser();
            if (appUid != null && appUid == fixed) {
                return new SidecarUser(fixed, null, Optional.empty());
            }
            return new SidecarUser(fixed, null, Optional.of("SidecarProfile " + profile.name() + " runs the sidecar as"
                    + " uid " + fixed + " and container " + app.getName() + " runs as "
                    + (appUid == null ? "its image's user" : "uid " + appUid) + ": " + fix
                    + "; or remove runAsUser from the profile, and the sidecar runs as the app's user"));
        }
        if (appUid == null) {
            return new SidecarUser(IMAGE_USER, null, Optional.of("container " + app.getName() + " has no runAsUser,"
                    + " nor has the Pod: its user comes from its image, so the sidecar runs as uid " + IMAGE_USER
                    + ". Fix: set securityContext.runAsUser on container " + app.getName() + " or on the Pod (the"
                    + " sidecar then runs as that user and owns what the app owns), or " + fix));
        }
        if (appUid == 0) {
            return new SidecarUser(IMAGE_USER, null, Optional.of("container " + app.getName() + " runs as root"
                    + " (runAsUser 0) and the sidecar never does (Pod Security restricted), so it runs as uid "
                    + IMAGE_USER + ". Fix: run the app as a non-root user (runAsUser), or " + fix));
        }
        // Without a runAsGroup the runtime takes the group from the image's /etc/passwd, which knows no such user in
        // the sidecar's image: gid 0. The app's own group, else the user's number, as non-root images do (65532:65532).
        return new SidecarUser(appUid, appGid == null ? appUid : appGid, Optional.empty());
    }
}
