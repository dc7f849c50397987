package dev.udsproxy.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * One source of truth for the CRDs: udsproxy-crds' generated/ is a link to the repository's crds/ (what the
 * operator build generates and commits), {@code helm package} ships exactly those files, and neither chart has a
 * crds/ folder (Helm would install that once and never upgrade it).
 */
class ChartPackageIT {

    @Test
    void packagedCrdChartCarriesTheRepositoryCrdsByteForByte() throws IOException {
        Path out = Repo.scratch("package");
        Helm helm = Helm.locate();
        helm.run("package", Repo.crdChart().toString(), "--destination", out.toString()).requireSuccess();
        helm.run("package", Repo.chart().toString(), "--destination", out.toString()).requireSuccess();
        Map<String, byte[]> crdChart = untar(out.resolve("udsproxy-crds-0.1.0.tgz"));
        Map<String, byte[]> operatorChart = untar(out.resolve("udsproxy-operator-0.1.0.tgz"));

        Map<String, byte[]> repoCrds;
        try (Stream<Path> files = Files.list(Repo.root().resolve("crds"))) {
            repoCrds = files.collect(Collectors.toMap(f -> "udsproxy-crds/generated/" + f.getFileName(), Repo::read));
        }
        assertThat(repoCrds).as("CRD files in crds/").isNotEmpty();
        Map<String, byte[]> packagedCrds = crdChart.entrySet().stream()
                .filter(e -> e.getKey().startsWith("udsproxy-crds/generated/"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(packagedCrds.keySet()).isEqualTo(repoCrds.keySet());
        repoCrds.forEach((name, bytes) -> assertThat(packagedCrds.get(name)).as(name).isEqualTo(bytes));
        assertThat(Files.isSymbolicLink(Repo.crdChart().resolve("generated")))
                .as("charts/udsproxy-crds/generated is a link to ../../crds, not a copy").isTrue();
        assertThat(crdChart.keySet()).as("no install-once crds/ folder").noneMatch(n -> n.startsWith("udsproxy-crds/crds/"));
        assertThat(operatorChart.keySet()).as("the operator chart ships no CRD")
                .noneMatch(n -> n.startsWith("udsproxy-operator/crds/"))
                .contains("udsproxy-operator/templates/profile-default.yaml");
    }

    /** Just enough of ustar to read helm's archive: regular files, names up to 100 chars or a pax path. */
    static Map<String, byte[]> untar(Path tgz) throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz))) {
            String paxPath = null;
            while (true) {
                byte[] header = in.readNBytes(512);
                if (header.length < 512 || header[0] == 0) {
                    return files;
                }
                String name = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                long size = Long.parseLong(field(header, 124, 12).trim(), 8);
                byte type = header[156];
                byte[] body = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                if (type == 'x') {
                    paxPath = body.length > 0 ? paxValue(new String(body, StandardCharsets.UTF_8), "path") : null;
                } else if (type == '0' || type == 0) {
                    files.put(paxPath != null ? paxPath : prefix.isEmpty() ? name : prefix + "/" + name, body);
                    paxPath = null;
                }
            }
        }
    }

    static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    static String paxValue(String records, String key) {
        for (String record : records.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith(key + "=", space + 1)) {
                return record.substring(space + 2 + key.length());
            }
        }
        return null;
    }
}
