package dev.udsproxy.controlplane;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against the shared real control plane: parameters of type
 * {@link ControlPlane} and {@code KubernetesClient} are injected (constructor, lifecycle and test methods).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(ControlPlaneExtension.class)
public @interface ControlPlaneTest {

    /** Also run kube-controller-manager (Deployments → ReplicaSets → Pods, ServiceAccounts, GC). */
    boolean controllerManager() default false;
}
