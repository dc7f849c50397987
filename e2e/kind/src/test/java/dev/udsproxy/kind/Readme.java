package dev.udsproxy.kind;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command blocks of README.md that this tier runs verbatim, so the walkthrough cannot rot. A
 * fenced block preceded by the line {@value #MARKER} is one: each line is a command (a trailing
 * backslash continues it), and a line {@code # text} right after a command is output the command
 * must print.
 */
final class Readme {

    static final String MARKER = "<!-- e2e/kind runs the next block verbatim -->";

    record Step(String command, List<String> expectedOutput) {
    }

    private Readme() {
    }

    /** Every marked block of the README, in order. */
    static List<List<Step>> blocks(Path readme) {
        List<String> lines;
        try {
            lines = Files.readAllLines(readme);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<List<Step>> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).trim().equals(MARKER)) {
                continue;
            }
            int open = i + 1;
            while (open < lines.size() && lines.get(open).isBlank()) {
                open++;
            }
            if (open >= lines.size() || !lines.get(open).startsWith("```")) {
                throw new IllegalStateException("README.md line " + (i + 1) + ": the marker must precede a ``` block");
            }
            int close = open + 1;
            while (close < lines.size() && !lines.get(close).startsWith("```")) {
                close++;
            }
            blocks.add(parse(lines.subList(open + 1, close)));
            i = close;
        }
        return blocks;
    }

    static List<Step> parse(List<String> block) {
        List<Step> steps = new ArrayList<>();
        StringBuilder command = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (String line : block) {
            String trimmed = line.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (command.isEmpty() && trimmed.startsWith("#")) {
                if (steps.isEmpty()) {
                    throw new IllegalStateException("README block starts with output before any command: " + line);
                }
                Step last = steps.remove(steps.size() - 1);
                List<String> out = new ArrayList<>(last.expectedOutput());
                out.add(trimmed.substring(1).trim());
                steps.add(new Step(last.command(), out));
                continue;
            }
            if (trimmed.endsWith("\\")) {
                command.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            command.append(trimmed);
            steps.add(new Step(command.toString(), expected));
            command.setLength(0);
        }
        if (!command.isEmpty()) {
            throw new IllegalStateException("README block ends inside a continued command: " + command);
        }
        return steps;
    }
}
