package dev.udsproxy.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The project version (the root pom's), which is also the images' tag and the chart's appVersion: Maven writes it
 * into version.properties next to this class (src/main/resources-filtered), so no source file repeats it. Here, in
 * the contract, because the sidecar (--version) and the operator (the built-in sidecar image's tag) both say it.
 */
public final class ProductVersion {
    public static final String VERSION = load();

    private ProductVersion() {
    }

    private static String load() {
        try (InputStream in = ProductVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties is missing next to " + ProductVersion.class.getName()
                        + ": built without Maven's resources-filtered folder?");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            if (v.isBlank() || v.startsWith("${")) {
                throw new IllegalStateException("version.properties holds no filtered version: '" + v + "'");
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
