package dev.cable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The jar an application depends on, as Maven packaged it: the product and nothing else. No container:
 * what is inside the jar decides what every application gets.
 */
public class LibraryJarIT {

    private static List<String> entries() throws Exception {
        File jar = new File(System.getProperty("cable.it.jar", "target/cable-0.1.0-SNAPSHOT.jar"));
        try (JarFile file = new JarFile(jar)) {
            return file.stream().map(ZipEntry::getName).toList();
        }
    }

    @Test
    public void holdsNoDemoNoBenchmarkAndNoPersistenceUnit() throws Exception {
        List<String> entries = entries();
        assertEquals(List.of(), entries.stream().filter(n -> n.startsWith("dev/cable/demo/")
                || n.startsWith("dev/cable/bench/") || n.endsWith(".html") || n.equals("META-INF/persistence.xml")
                || n.startsWith("WEB-INF/")).toList(),
                "a persistence.xml would put a second unit in every application's scope");
    }

    @Test
    public void servesTheBrowserClientAndItsTypesFromMetaInfResources() throws Exception {
        List<String> entries = entries();
        for (String file : List.of("cable.js", "cable.mjs", "cable.d.ts", "cable.d.mts")) {
            assertTrue(entries.contains("META-INF/resources/" + file), file);
        }
        assertTrue(entries.stream().anyMatch(n -> n.matches("META-INF/cable-client/[^/]+/cable\\.min\\.js")), "the minified build");
        assertTrue(entries.stream().anyMatch(n -> n.matches("META-INF/cable-client/[^/]+/cable\\.min\\.js\\.gz")), "its gzip twin");
    }

    @Test
    public void carriesItsBeansDescriptorWebFragmentDefaultsAndDdl() throws Exception {
        List<String> entries = entries();
        for (String file : List.of("META-INF/beans.xml", "META-INF/web-fragment.xml",
                "META-INF/microprofile-config.properties", "db/h2.sql", "db/mariadb.sql", "db/postgresql.sql")) {
            assertTrue(entries.contains(file), file);
        }
    }
}
