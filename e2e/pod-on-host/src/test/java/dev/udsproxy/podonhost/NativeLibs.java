package dev.udsproxy.podonhost;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** What images/build.sh does for the image's lib/: Netty's epoll and io_uring libraries, unpacked from the jar. */
final class NativeLibs {
    private static final String FOLDER = "META-INF/native/";
    private static final List<String> PREFIXES = List.of(FOLDER + "libnetty_transport_native_epoll_",
            FOLDER + "libnetty_transport_native_io_uring");

    private NativeLibs() {
    }

    static void unpack(Path jar, Path folder) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (String prefix : PREFIXES) {
                int found = 0;
                for (ZipEntry e : zip.stream().filter(e -> e.getName().startsWith(prefix)).toList()) {
                    try (InputStream in = zip.getInputStream(e)) {
                        Files.copy(in, folder.resolve(e.getName().substring(FOLDER.length())));
                    }
                    found++;
                }
                if (found == 0) {
                    throw new IllegalStateException(jar + " holds no " + prefix + "*.so: the image's lib/ would lack it");
                }
            }
        }
    }
}
