package dev.udsproxy.cli.inject;

import java.util.ArrayList;
import java.util.List;

/**
 * A YAML stream cut into its documents as text, so that a document we do not change is printed back byte for byte
 * (comments, quoting and key order included). In YAML a line that starts with {@code ---} followed by a space or the
 * end of the line always starts a document, even inside a block scalar, so cutting on such lines is exact.
 */
final class YamlDocuments {

    /** {@code text} is the document with its own {@code ---} line (if it had one) and its trailing newline. */
    record Document(String text, int firstLine) {
        /** Only comments and blank lines, or nothing: no object to read. */
        boolean isBlank() {
            return text.lines().map(String::strip)
                    .allMatch(l -> l.isEmpty() || l.startsWith("#") || l.equals("---") || l.equals("..."));
        }
    }

    private YamlDocuments() {
    }

    static List<Document> split(String stream) {
        List<Document> documents = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int line = 1;
        int start = 1;
        for (String l : stream.split("(?<=\n)", -1)) {
            if (l.isEmpty()) {
                continue;
            }
            if (isDocumentStart(l) && !current.isEmpty()) {
                documents.add(new Document(current.toString(), start));
                current.setLength(0);
                start = line;
            }
            current.append(l);
            line++;
        }
        if (!current.isEmpty()) {
            documents.add(new Document(current.toString(), start));
        }
        return documents;
    }

    private static boolean isDocumentStart(String line) {
        return line.startsWith("---") && (line.length() == 3 || Character.isWhitespace(line.charAt(3)));
    }
}
