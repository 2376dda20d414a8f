package dev.drydock.registry.storage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The writer on the disk the service uses (target/, where O_DIRECT works) and on tmpfs (/dev/shm, which may refuse
 * it): whichever way the bytes go, the file holds exactly what was written after the offset's bytes.
 */
class DirectFileWriterTest {

    private static final Random RANDOM = new Random(19);
    private static final Set<Path> CREATED = new LinkedHashSet<>();

    static Stream<Path> directories() throws IOException {
        List<Path> directories = new ArrayList<>();
        directories.add(Files.createDirectories(Path.of("target", "direct-writer-test")));
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            directories.add(Files.createTempDirectory(shm, "direct-writer-test"));
        }
        CREATED.addAll(directories);
        return directories.stream();
    }

    @AfterAll
    static void removeFiles() throws IOException {
        for (Path directory : CREATED) {
            if (!Files.exists(directory)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("directories")
    void aNewFileHoldsExactlyTheBytesWritten(Path directory) throws IOException {
        Path file = Files.createTempFile(directory, "blob", "");
        // more than one staging block, ending off a block boundary, written in uneven pieces
        byte[] content = random(2 * DirectFileWriter.STAGE + 12_345);
        try (DirectFileWriter writer = DirectFileWriter.open(file, 0)) {
            writeInPieces(writer, content, 0, content.length);
        }
        assertArrayEquals(content, Files.readAllBytes(file));
    }

    @ParameterizedTest
    @MethodSource("directories")
    void appendingAtAnUnalignedOffsetKeepsWhatCameBefore(Path directory) throws IOException {
        Path file = Files.createTempFile(directory, "blob", "");
        byte[] content = random(DirectFileWriter.STAGE + 777_777);
        int[] cuts = {0, 5_001, 5_001 + 4096, 1_000_003, content.length};
        for (int i = 0; i + 1 < cuts.length; i++) {
            try (DirectFileWriter writer = DirectFileWriter.open(file, cuts[i])) {
                writeInPieces(writer, content, cuts[i], cuts[i + 1]);
            }
            assertEquals(cuts[i + 1], Files.size(file));
        }
        assertArrayEquals(content, Files.readAllBytes(file));
    }

    @ParameterizedTest
    @MethodSource("directories")
    void bytesPastTheOffsetAreCutAway(Path directory) throws IOException {
        Path file = Files.createTempFile(directory, "blob", "");
        byte[] earlier = random(10_000);
        Files.write(file, earlier);
        byte[] tail = random(100);
        try (DirectFileWriter writer = DirectFileWriter.open(file, 3_000)) {
            writer.write(ByteBuffer.wrap(tail));
        }
        byte[] expected = Arrays.copyOf(earlier, 3_100);
        System.arraycopy(tail, 0, expected, 3_000, 100);
        assertArrayEquals(expected, Files.readAllBytes(file));

        try (DirectFileWriter writer = DirectFileWriter.open(file, 1_000)) {
            // nothing written: an empty chunk still cuts the file to its offset
        }
        assertArrayEquals(Arrays.copyOf(earlier, 1_000), Files.readAllBytes(file));
    }

    /** More writers than staging blocks: the ones without a block write through the page cache, to the same end. */
    @ParameterizedTest
    @MethodSource("directories")
    void writersBeyondTheStagingBlocksStillWriteEverything(Path directory) throws IOException {
        int count = 20;
        List<DirectFileWriter> writers = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                Path file = Files.createTempFile(directory, "blob", "");
                files.add(file);
                contents.add(random(300_000 + i));
                writers.add(DirectFileWriter.open(file, 0));
            }
            for (int i = 0; i < count; i++) {
                writeInPieces(writers.get(i), contents.get(i), 0, contents.get(i).length);
            }
        } finally {
            for (DirectFileWriter writer : writers) {
                writer.close();
            }
        }
        for (int i = 0; i < count; i++) {
            assertArrayEquals(contents.get(i), Files.readAllBytes(files.get(i)), "file " + i);
        }
    }

    private static void writeInPieces(DirectFileWriter writer, byte[] content, int from, int to) throws IOException {
        int position = from;
        while (position < to) {
            int length = Math.min(to - position, 1 + RANDOM.nextInt(200_000));
            writer.write(ByteBuffer.wrap(content, position, length));
            position += length;
        }
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
