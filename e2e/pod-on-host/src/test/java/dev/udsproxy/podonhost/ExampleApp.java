package dev.udsproxy.podonhost;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One app of {@code examples/}: the Pod its Deployment would create, and the files kustomize
 * puts into its ConfigMaps. The same manifests a user applies, so the test cannot drift from them.
 */
record ExampleApp(String name, Pod pod, Map<String, List<Path>> configMapFiles) {
    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    static ExampleApp load(Path repo, String language) throws IOException {
        Path folder = repo.resolve("examples").resolve(language);
        Deployment deployment = deployment(folder.resolve("deployment.yaml"));
        var template = deployment.getSpec().getTemplate();
        // What the ReplicaSet controller does: the template's metadata and spec, a generated name.
        Pod pod = new PodBuilder()
                .withMetadata(new ObjectMetaBuilder(template.getMetadata())
                        .withName(deployment.getMetadata().getName() + "-host")
                        .withNamespace("default")
                        .build())
                .withSpec(template.getSpec())
                .build();
        return new ExampleApp(deployment.getMetadata().getName(), pod, configMapFiles(folder));
    }

    private static Deployment deployment(Path file) throws IOException {
        for (String document : Files.readString(file).split("(?m)^---\\s*$")) {
            if (document.contains("kind: Deployment")) {
                return YAML.unmarshal(document, Deployment.class);
            }
        }
        throw new IllegalStateException(file + " holds no Deployment");
    }

    /** configMapGenerator entries with {@code files:}, the only kind the examples use. */
    @SuppressWarnings("unchecked")
    private static Map<String, List<Path>> configMapFiles(Path folder) throws IOException {
        Map<String, Object> kustomization = YAML.unmarshal(Files.readString(folder.resolve("kustomization.yaml")),
                Map.class);
        Map<String, List<Path>> result = new LinkedHashMap<>();
        for (Map<String, Object> generator : (List<Map<String, Object>>) kustomization.getOrDefault(
                "configMapGenerator", List.of())) {
            List<String> files = (List<String>) generator.getOrDefault("files", List.of());
            result.put((String) generator.get("name"), files.stream().map(folder::resolve).toList());
        }
        return result;
    }
}
