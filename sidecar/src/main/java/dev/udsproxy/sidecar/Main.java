package dev.udsproxy.sidecar;

/** Entry point of the sidecar process. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.err.println("udsproxy-sidecar: not implemented yet");
        System.exit(1);
    }
}
