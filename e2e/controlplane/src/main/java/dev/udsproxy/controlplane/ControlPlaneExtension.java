package dev.udsproxy.controlplane;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Starts one {@link ControlPlane} per JVM, on first use, and keeps it in the root store so that JUnit
 * closes it after the last test, pass or fail (the control plane's shutdown hook and orphan reaper
 * cover the JVM exiting by other paths). Starting one per class would cost seconds per class.
 *
 * <p>A failed start is remembered: every later class fails at once with the same cause instead of
 * trying again, and the binaries being missing is a failure with build instructions, never a skip.
 */
public final class ControlPlaneExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(ControlPlaneExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        ControlPlane plane = controlPlane(context);
        boolean wantsManager = context.getTestClass()
                .flatMap(type -> AnnotationSupport.findAnnotation(type, ControlPlaneTest.class))
                .map(ControlPlaneTest::controllerManager)
                .orElse(false);
        if (wantsManager) {
            plane.startControllerManager();
        }
    }

    /** The shared control plane, started on the first call in this JVM. */
    public static ControlPlane controlPlane(ExtensionContext context) {
        SharedControlPlane shared = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedControlPlane.class, key -> SharedControlPlane.start(),
                        SharedControlPlane.class);
        return shared.get();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ControlPlane.class || type == KubernetesClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ControlPlane plane = controlPlane(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == ControlPlane.class) {
            return plane;
        }
        if (type == KubernetesClient.class) {
            return plane.client();
        }
        throw new ParameterResolutionException("cannot resolve " + type);
    }

    /** The store's value: the control plane or why it could not start. Closed by JUnit with the root context. */
    static final class SharedControlPlane implements ExtensionContext.Store.CloseableResource, AutoCloseable {

        private final ControlPlane plane;
        private final RuntimeException failure;

        private SharedControlPlane(ControlPlane plane, RuntimeException failure) {
            this.plane = plane;
            this.failure = failure;
        }

        static SharedControlPlane start() {
            try {
                return new SharedControlPlane(ControlPlane.start(ControlPlaneBinaries.locate()), null);
            } catch (RuntimeException e) {
                return new SharedControlPlane(null, e);
            }
        }

        ControlPlane get() {
            if (failure != null) {
                throw new IllegalStateException("the shared control plane did not start: " + failure.getMessage(),
                        failure);
            }
            return plane;
        }

        @Override
        public void close() {
            // ControlPlane.close is idempotent, so JUnit versions that call both close methods are fine.
            if (plane != null) {
                plane.close();
            }
        }
    }
}
