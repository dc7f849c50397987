package dev.udsproxy.cli.inject;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class YamlDocumentsTest {

    @Test
    void cutsAtDocumentMarkersOnlyAndLosesNoByte() {
        String stream = "# header\n---\na: 1\n--- \nb: |\n  --- indented, a scalar\n---\n...\n";
        List<YamlDocuments.Document> documents = YamlDocuments.split(stream);
        assertThat(documents).extracting(YamlDocuments.Document::text)
                .containsExactly("# header\n", "---\na: 1\n", "--- \nb: |\n  --- indented, a scalar\n", "---\n...\n");
        assertThat(String.join("", documents.stream().map(YamlDocuments.Document::text).toList())).isEqualTo(stream);
        assertThat(documents).extracting(YamlDocuments.Document::firstLine).containsExactly(1, 2, 4, 7);
        assertThat(documents.get(0).isBlank()).isTrue();
        assertThat(documents.get(3).isBlank()).isTrue();
    }
}
