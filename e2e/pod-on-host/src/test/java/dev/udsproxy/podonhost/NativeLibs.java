package dev.udsproxy.podonhost;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** What images/build.sh does for the image's lib/: Netty's epoll libraries, unpacked from the sidecar jar. */
final class NativeLibs {
    private static final String PREFIX = "META-INF/native/libnetty_transport_native_epoll_";

    private NativeLibs() {
    }

    static void unpack(Path jar, Path folder) throws IOException {
        int found = 0;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry e : zip.stream().filter(e -> e.getName().startsWith(PREFIX)).toList()) {
                try (InputStream in = zip.getInputStream(e)) {
                    Files.copy(in, folder.resolve(e.getName().substring("META-INF/native/".length())));
                }
                found++;
            }
        }
        if (found == 0) {
            throw new IllegalStateException(jar + " holds no " + PREFIX + "*.so: the image's lib/ would be empty");
        }
    }
}
