package io.github.alexnetjava.testutil;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyTest {
    @TempDir
    Path dir;

    private Path write(String name, int major, String header, byte[] data) throws IOException {
        int pre = major == 1 ? 10 : 12;
        StringBuilder h = new StringBuilder(header);
        while ((pre + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        byte[] hb = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer bb = ByteBuffer.allocate(pre + hb.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            bb.putShort((short) hb.length);
        } else {
            bb.putInt(hb.length);
        }
        bb.put(hb).put(data);
        Path f = dir.resolve(name);
        Files.write(f, bb.array());
        return f;
    }

    private static byte[] le(int bytes, java.util.function.Consumer<ByteBuffer> fill) {
        ByteBuffer bb = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(bb);
        return bb.array();
    }

    @Test
    void readsTheThreeDtypesInBothHeaderVersions() throws IOException {
        Path f4 = write("f4.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                le(24, b -> { for (int i = 0; i < 6; i++) b.putFloat(i * 0.5f); }));
        Npy.Array a = Npy.read(f4);
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(new float[] {0f, 0.5f, 1f, 1.5f, 2f, 2.5f}, a.floats());

        Path f8 = write("f8.npy", 2, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
                le(16, b -> b.putDouble(0.1).putDouble(-2)));
        assertArrayEquals(new double[] {0.1, -2}, Npy.read(f8).doubles());

        Path i8 = write("i8.npy", 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }",
                le(8, b -> b.putLong(-4371587678370529826L)));
        assertArrayEquals(new long[] {-4371587678370529826L}, Npy.read(i8).longs());

        Path scalar = write("s.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }",
                le(4, b -> b.putFloat(3f)));
        assertEquals(0, Npy.read(scalar).shape().length);
        assertArrayEquals(new float[] {3f}, Npy.read(scalar).floats());
    }

    @Test
    void rejectsWhatItCannotRead() throws IOException {
        Path fortran = write("fortran.npy", 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }",
                new byte[4]);
        Path dtype = write("big.npy", 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }",
                new byte[4]);
        Path size = write("short.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }",
                new byte[8]);
        Path magic = dir.resolve("magic.npy");
        Files.write(magic, "not numpy at all".getBytes(StandardCharsets.US_ASCII));
        for (Path f : new Path[] {fortran, dtype, size, magic}) {
            IOException e = assertThrows(IOException.class, () -> Npy.read(f));
            assertTrue(e.getMessage().contains(f.toString()), "message names the file: " + e.getMessage());
        }
    }

    @Test
    void findsTheRepositoryTestData() {
        assertTrue(Files.isDirectory(TestData.pytorch().resolve("conv_basic")), TestData.root().toString());
    }
}
