package dev.drydock.instances.runtime;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two containers over one image root: each sees its own changes, the image none, and release leaves nothing. */
class ContainerRootTest {

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void containersWriteTheirOwnRootsAndTheImageStaysAsItWas(boolean overlay) throws IOException {
        Path image = Files.createDirectories(temp.resolve("image/etc"));
        Files.writeString(image.resolve("motd"), "from the image\n");
        Path a = Files.createDirectories(temp.resolve("a"));
        Path b = Files.createDirectories(temp.resolve("b"));
        ContainerRoot.Mode mode = ContainerRoot.prepare(temp.resolve("image"), a, overlay);
        ContainerRoot.prepare(temp.resolve("image"), b, overlay);
        try {
            if (!overlay) {
                assertEquals(ContainerRoot.Mode.COPY, mode);
            }
            assertEquals(mode == ContainerRoot.Mode.OVERLAY, Mounts.mounted(a.resolve("rootfs")));
            Files.writeString(a.resolve("rootfs/etc/motd"), "changed by a\n");
            Files.writeString(a.resolve("rootfs/new"), "a only\n");
            assertEquals("from the image\n", Files.readString(b.resolve("rootfs/etc/motd")));
            assertFalse(Files.exists(b.resolve("rootfs/new")));
            assertEquals("from the image\n", Files.readString(image.resolve("motd")), "the image is untouched");
        } finally {
            ContainerRoot.release(a);
            ContainerRoot.release(b);
        }
        assertFalse(Mounts.mounted(a.resolve("rootfs")));
        assertFalse(Files.exists(a.resolve("rootfs")) || Files.exists(a.resolve("upper")));
        assertTrue(Files.exists(image.resolve("motd")));
    }
}
