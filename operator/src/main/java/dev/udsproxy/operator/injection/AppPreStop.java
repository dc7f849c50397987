package dev.udsproxy.operator.injection;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.LifecycleHandlerBuilder;
import java.util.List;
import java.util.Optional;

/**
 * With a native sidecar the kubelet stops the app container first and the sidecar only after it; an app that exits
 * at once on SIGTERM leaves the sidecar without a socket while the Pod's endpoint still receives new connections
 * (until kube-proxy drops it), and those are reset. A preStop sleep keeps the app serving until then. The kubelet's
 * own sleep action needs no shell or sleep binary in the app's image. A preStop the user wrote is never touched.
 */
final class AppPreStop {
    private AppPreStop() {
    }

    /**
     * Gives the app its preStop sleep where it has none; returns the seconds its preStop takes before SIGTERM, as far
     * as they are known (a sleep action, ours or the user's), for the Pod's grace period.
     */
    static long apply(Container app, ProfileSettings profile, ClusterFeatures cluster, List<String> warnings) {
        Optional<LifecycleHandler> own = Optional.ofNullable(app.getLifecycle()).map(Lifecycle::getPreStop);
        if (own.isPresent()) {
            return Optional.ofNullable(own.get().getSleep()).map(s -> s.getSeconds()).orElse(0L);
        }
        int seconds = profile.appPreStopSleepSeconds();
        if (seconds == 0) {
            return 0;
        }
        if (!cluster.preStopSleep()) {
            warnings.add("container " + app.getName() + " has no preStop hook, and Kubernetes " + cluster.version()
                    + " has no preStop sleep action (on by default from 1.30) for udsproxy to add: in a rollout the"
                    + " app may exit before its endpoint is removed and new connections are reset; give container "
                    + app.getName() + " a preStop hook that waits " + seconds + " s (e.g. exec: [sleep, \"" + seconds
                    + "\"]) or set the profile's drain.appPreStopSleepSeconds to 0 to silence this");
            return 0;
        }
        LifecycleHandler sleep = new LifecycleHandlerBuilder().withNewSleep().withSeconds((long) seconds).endSleep()
                .build();
        Lifecycle lifecycle = Optional.ofNullable(app.getLifecycle()).orElseGet(Lifecycle::new);
        lifecycle.setPreStop(sleep);
        app.setLifecycle(lifecycle);
        return seconds;
    }
}
