package dev.udsproxy.podonhost;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The instructions of one images/NAME/Containerfile that decide what a container runs: FROM, COPY, ENV,
 * USER and the exec-form ENTRYPOINT. Continuation lines are joined, comments dropped. Anything else
 * (LABEL, EXPOSE, ARG, CMD) does not change the process and is ignored.
 */
record Containerfile(Path file, String from, List<Copy> copies, Map<String, String> env, String user,
        List<String> entrypoint) {
    private static final Pattern ENV_PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\\S+)");

    /** COPY SOURCE... DESTINATION, the sources as named in the build context. */
    record Copy(List<String> sources, String destination) {
    }

    static Containerfile parse(Path file) throws IOException {
        String joined = Files.readString(file).replaceAll("(?m)^\\s*#.*\\n", "").replaceAll("\\\\\\n", " ");
        String from = null;
        String user = null;
        List<Copy> copies = new ArrayList<>();
        Map<String, String> env = new LinkedHashMap<>();
        List<String> entrypoint = List.of();
        for (String line : joined.split("\\n")) {
            String[] words = line.trim().split("\\s+", 2);
            if (words.length < 2) {
                continue;
            }
            switch (words[0]) {
                case "FROM" -> from = words[1].trim();
                case "USER" -> user = words[1].trim();
                case "COPY" -> {
                    List<String> parts = List.of(words[1].trim().split("\\s+"));
                    copies.add(new Copy(parts.subList(0, parts.size() - 1), parts.get(parts.size() - 1)));
                }
                case "ENV" -> {
                    Matcher pair = ENV_PAIR.matcher(words[1]);
                    while (pair.find()) {
                        env.put(pair.group(1), pair.group(2));
                    }
                }
                case "ENTRYPOINT" -> {
                    if (!words[1].trim().startsWith("[")) {
                        throw new IllegalStateException(file + ": ENTRYPOINT must be in exec form [...], the only form"
                                + " a Pod runs without a shell");
                    }
                    entrypoint = new ObjectMapper().readValue(words[1].trim(), new TypeReference<List<String>>() {
                    });
                }
                default -> {
                    // does not change what the process is
                }
            }
        }
        if (from == null) {
            throw new IllegalStateException(file + " has no FROM");
        }
        return new Containerfile(file, from, List.copyOf(copies), Collections.unmodifiableMap(env), user, entrypoint);
    }
}
