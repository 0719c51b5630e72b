package io.github.alexnetjava.testutil;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal reader for NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0): C-order arrays of
 * {@code '<f4'}, {@code '<f8'} or {@code '<i8'}. Anything else fails with an {@link IOException} naming the file.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    /** One array: its dtype descriptor, shape and exactly one non-null data array matching the dtype. */
    public record Array(Path file, String descr, int[] shape, float[] f32, double[] f64, long[] i64) {

        public int size() {
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }

        /** The data as float32; only for {@code '<f4'} arrays. */
        public float[] floats() {
            if (f32 == null) {
                throw new IllegalStateException(file + ": dtype is " + descr + ", not <f4");
            }
            return f32;
        }

        /** The data as float64; only for {@code '<f8'} arrays. */
        public double[] doubles() {
            if (f64 == null) {
                throw new IllegalStateException(file + ": dtype is " + descr + ", not <f8");
            }
            return f64;
        }

        /** The data as int64; only for {@code '<i8'} arrays. */
        public long[] longs() {
            if (i64 == null) {
                throw new IllegalStateException(file + ": dtype is " + descr + ", not <i8");
            }
            return i64;
        }

        /** int64 data narrowed to int (labels); fails if a value does not fit. */
        public int[] ints() {
            long[] l = longs();
            int[] out = new int[l.length];
            for (int i = 0; i < l.length; i++) {
                if (l[i] != (int) l[i]) {
                    throw new IllegalStateException(file + ": value " + l[i] + " at " + i + " does not fit an int");
                }
                out[i] = (int) l[i];
            }
            return out;
        }

        @Override
        public String toString() {
            return file.getFileName() + " " + descr + " " + Arrays.toString(shape);
        }
    }

    private Npy() {
    }

    public static Array read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException("cannot read .npy file " + file + ": " + e.getMessage(), e);
        }
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new IOException(file + ": not a .npy file (bad magic string)");
        }
        int major = bytes[6] & 0xff;
        int minor = bytes[7] & 0xff;
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen;
        int headerStart;
        if (major == 1) {
            headerLen = bb.getShort(8) & 0xffff;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new IOException(file + ": truncated .npy header");
            }
            headerLen = bb.getInt(8) & 0xffffffffL;
            headerStart = 12;
        } else {
            throw new IOException(file + ": unsupported .npy format version " + major + "." + minor);
        }
        long dataStart = headerStart + headerLen;
        if (dataStart > bytes.length) {
            throw new IOException(file + ": header length " + headerLen + " runs past the end of the file ("
                    + bytes.length + " bytes)");
        }
        String header = new String(bytes, headerStart, (int) headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).trim();
        if (!header.startsWith("{") || !header.endsWith("}")) {
            throw new IOException(file + ": .npy header is not a dict: " + header);
        }
        String descr = group(file, header, DESCR, "descr");
        String fortran = group(file, header, FORTRAN, "fortran_order");
        if (!"False".equals(fortran)) {
            throw new IOException(file + ": fortran_order is " + fortran + "; only C-order arrays are supported");
        }
        int[] shape = parseShape(file, group(file, header, SHAPE, "shape"));
        long count = 1;
        for (int d : shape) {
            count *= d;
        }
        int itemSize = switch (descr) {
            case "<f4" -> 4;
            case "<f8", "<i8" -> 8;
            default -> throw new IOException(file + ": unsupported dtype '" + descr
                    + "' (supported: <f4, <f8, <i8)");
        };
        long expected = count * itemSize;
        long actual = bytes.length - dataStart;
        if (actual != expected) {
            throw new IOException(file + ": shape " + Arrays.toString(shape) + " of " + descr + " needs " + expected
                    + " data bytes but the file has " + actual);
        }
        if (count > Integer.MAX_VALUE) {
            throw new IOException(file + ": too many elements (" + count + ")");
        }
        int n = (int) count;
        bb.position((int) dataStart);
        ByteBuffer data = bb.slice().order(ByteOrder.LITTLE_ENDIAN);
        switch (descr) {
            case "<f4": {
                float[] a = new float[n];
                data.asFloatBuffer().get(a);
                return new Array(file, descr, shape, a, null, null);
            }
            case "<f8": {
                double[] a = new double[n];
                data.asDoubleBuffer().get(a);
                return new Array(file, descr, shape, null, a, null);
            }
            default: {
                long[] a = new long[n];
                data.asLongBuffer().get(a);
                return new Array(file, descr, shape, null, null, a);
            }
        }
    }

    private static String group(Path file, String header, Pattern p, String key) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IOException(file + ": .npy header has no valid '" + key + "' entry: " + header);
        }
        return m.group(1);
    }

    private static int[] parseShape(Path file, String s) throws IOException {
        List<Integer> dims = new ArrayList<>();
        for (String part : s.split(",")) {
            String t = part.trim();
            if (t.isEmpty()) {
                continue;
            }
            if (t.endsWith("L")) {
                t = t.substring(0, t.length() - 1);
            }
            try {
                int d = Integer.parseInt(t);
                if (d < 0) {
                    throw new NumberFormatException("negative");
                }
                dims.add(d);
            } catch (NumberFormatException e) {
                throw new IOException(file + ": invalid shape entry '" + part.trim() + "' in (" + s + ")");
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }
}
