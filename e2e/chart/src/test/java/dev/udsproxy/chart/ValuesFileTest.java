package dev.udsproxy.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** values.yaml documents every key, and values.schema.json knows exactly the keys values.yaml has. */
class ValuesFileTest {

    static final Pattern KEY = Pattern.compile("^(\\s*)([A-Za-z][\\w-]*):(.*)$");

    @Test
    void everyLeafKeyHasADocComment() throws IOException {
        List<String> lines = Files.readAllLines(Repo.chart().resolve("values.yaml"));
        List<String> undocumented = new ArrayList<>();
        // A documented map (e.g. resources) documents its example content too, as helm-docs reads it.
        int documentedMapIndent = -1;
        for (int i = 0; i < lines.size(); i++) {
            Matcher key = KEY.matcher(lines.get(i));
            if (!key.matches()) {
                continue;
            }
            int indent = key.group(1).length();
            if (documentedMapIndent >= 0 && indent > documentedMapIndent) {
                continue;
            }
            documentedMapIndent = -1;
            boolean documented = hasDocComment(lines, i, indent);
            if (isParent(lines, i, indent, key.group(3))) {
                documentedMapIndent = documented ? indent : -1;
                continue;
            }
            if (!documented) {
                undocumented.add((i + 1) + ": " + lines.get(i).trim());
            }
        }
        assertThat(undocumented).as("keys in values.yaml without a '# --' comment above them").isEmpty();
    }

    @Test
    void schemaAndValuesHaveTheSameKeys() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode values = yaml.readTree(Repo.chart().resolve("values.yaml").toFile());
        JsonNode schema = new ObjectMapper().readTree(Repo.chart().resolve("values.schema.json").toFile());

        TreeSet<String> inValues = new TreeSet<>();
        TreeSet<String> inSchema = new TreeSet<>();
        collectValues(values, "", inValues);
        collectSchema(schema, schema, "", inSchema);
        inSchema.remove("global"); // helm passes .Values.global to every chart
        assertThat(inSchema).as("keys of values.schema.json").isEqualTo(inValues);
        assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
    }

    /** A key whose value is on the following, deeper-indented lines (a map of documented keys). */
    static boolean isParent(List<String> lines, int index, int indent, String rest) {
        if (!rest.isBlank()) {
            return false;
        }
        for (int j = index + 1; j < lines.size(); j++) {
            String next = lines.get(j);
            if (next.isBlank() || next.trim().startsWith("#")) {
                continue;
            }
            return next.length() - next.stripLeading().length() > indent && KEY.matcher(next).matches();
        }
        return false;
    }

    static boolean hasDocComment(List<String> lines, int index, int indent) {
        for (int j = index - 1; j >= 0; j--) {
            String line = lines.get(j);
            String trimmed = line.trim();
            if (!trimmed.startsWith("#")) {
                return false;
            }
            if (trimmed.startsWith("# --") && line.indexOf('#') == indent) {
                return true;
            }
        }
        return false;
    }

    /** Paths of the keys that the chart defines; maps left empty ({}) are leaves the user fills. */
    static void collectValues(JsonNode node, String prefix, TreeSet<String> out) {
        node.fields().forEachRemaining(field -> {
            String path = prefix + field.getKey();
            out.add(path);
            if (field.getValue().isObject() && !field.getValue().isEmpty() && !isFreeForm(path)) {
                collectValues(field.getValue(), path + ".", out);
            }
        });
    }

    static void collectSchema(JsonNode root, JsonNode node, String prefix, TreeSet<String> out) {
        JsonNode resolved = node.has("$ref") ? root.at(node.get("$ref").asText().substring(1)) : node;
        resolved.path("properties").fields().forEachRemaining(field -> {
            String path = prefix + field.getKey();
            out.add(path);
            if (!isFreeForm(path)) {
                collectSchema(root, field.getValue(), path + ".", out);
            }
        });
    }

    /** Maps whose keys are the user's (resources, certManager.issuerRef) rather than the chart's. */
    static boolean isFreeForm(String path) {
        return path.equals("resources") || path.endsWith(".issuerRef") || path.endsWith("Annotations")
                || path.endsWith("Labels") || path.equals("nodeSelector") || path.equals("affinity")
                || path.equals("defaultProfile.spec") || path.equals("serviceAccount.annotations")
                || path.endsWith("SecurityContext") || path.endsWith(".selector");
    }
}
