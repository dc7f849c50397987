package dev.udsproxy.kind;

import java.time.Duration;

/**
 * What the tests do with kubectl, as a user would type it: namespaces, the examples, a client Pod to
 * call Services from inside the cluster. Every name here is the tier's own; nothing in other
 * namespaces is touched.
 */
final class Kubectl {

    /** The image of the client Pods (sh and curl), built by images/build.sh and loaded by the README. */
    static final String TOOLBOX = "udsproxy/toolbox:0.1.0";

    private final Shell shell;

    Kubectl(Shell shell) {
        this.shell = shell;
    }

    String ok(String args) {
        return shell.ok("kubectl " + args, Duration.ofMinutes(5));
    }

    Shell.Result run(String args) {
        return shell.run("kubectl " + args, Duration.ofMinutes(5));
    }

    /** A namespace that enforces Pod Security {@code restricted}, as a careful cluster admin sets it. */
    void restrictedNamespace(String name) {
        run("delete namespace " + name + " --ignore-not-found --wait=true --timeout=120s");
        ok("create namespace " + name);
        ok("label namespace " + name + " pod-security.kubernetes.io/enforce=restricted"
                + " pod-security.kubernetes.io/enforce-version=latest");
    }

    /**
     * Deletes a test's namespace without waiting: the node has 2 cores, and Pods left from earlier
     * classes would hold CPU requests the next class's Pods (and the operator's surge) need.
     */
    void deleteNamespace(String name) {
        run("delete namespace " + name + " --ignore-not-found --wait=false");
    }

    void applyExample(String namespace, String example) {
        ok("-n " + namespace + " apply -k examples/" + example);
    }

    void rolloutStatus(String namespace, String deployment) {
        ok("-n " + namespace + " rollout status deploy/" + deployment + " --timeout=240s");
    }

    /**
     * A long-running Pod of the toolbox image that passes {@code restricted}, to call Services from;
     * returns once it is Ready.
     */
    void clientPod(String namespace, String name) {
        ok("-n " + namespace + " run " + name + " --image=" + TOOLBOX + " --restart=Never " + restricted(name, "sleep 100000"));
        ok("-n " + namespace + " wait --for=condition=Ready pod/" + name + " --timeout=120s");
    }

    /** {@code --overrides} for {@code kubectl run}: a toolbox Pod running {@code sh -c COMMAND} that passes {@code restricted}. */
    static String restricted(String name, String command) {
        return "--overrides='" + """
                {"spec":{"securityContext":{"runAsNonRoot":true,"runAsUser":65532,"seccompProfile":{"type":"RuntimeDefault"}},\
                "containers":[{"name":"%s","image":"%s","imagePullPolicy":"IfNotPresent","command":["sh","-c","%s"],\
                "securityContext":{"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,"capabilities":{"drop":["ALL"]}}}]}}"""
                .formatted(name, TOOLBOX, command) + "'";
    }

    /** Runs a command in the client Pod; returns exit code and output. */
    Shell.Result exec(String namespace, String pod, String command) {
        return run("-n " + namespace + " exec " + pod + " -- sh -c '" + command.replace("'", "'\\''") + "'");
    }

    /** Sets an annotation on a Deployment's Pod template (which rolls it) and waits for the rollout. */
    void annotateTemplate(String namespace, String deployment, String key, String value) {
        ok("-n " + namespace + " patch deploy/" + deployment + " --type merge -p "
                + "'{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"" + key + "\":\"" + value + "\"}}}}}'");
        rolloutStatus(namespace, deployment);
    }

    /** Waits without polling anything (a fixed settle time the cluster needs, stated at each use). */
    static void pause(java.time.Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    String podIp(String namespace, String pod) {
        return ok("-n " + namespace + " get pod " + pod + " -o jsonpath='{.status.podIP}'").trim();
    }
}
