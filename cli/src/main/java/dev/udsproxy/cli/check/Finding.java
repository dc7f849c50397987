package dev.udsproxy.cli.check;

/** One line of {@code udsproxy check}: what was found and, unless ok, what to do about it. */
public record Finding(Level level, String what, String fix) {

    public enum Level {
        OK, WARN, FAIL;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static Finding ok(String what) {
        return new Finding(Level.OK, what, null);
    }

    static Finding warn(String what, String fix) {
        return new Finding(Level.WARN, what, fix);
    }

    static Finding fail(String what, String fix) {
        return new Finding(Level.FAIL, what, fix);
    }

    /** {@code ok    what}, or {@code fail  what} and an indented {@code fix: ...} line. */
    String render() {
        String line = String.format("%-5s %s", level.label(), what);
        return fix == null ? line : line + "\n      fix: " + fix;
    }
}
