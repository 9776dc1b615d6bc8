package dev.polymath.core.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reader of the IDX format of MNIST-style data (plain or gzip): magic {@code 0x00 0x00 <type> <ndims>},
 * {@code ndims} big-endian 32-bit dimension sizes, then the data. Only the unsigned-byte type ({@code 0x08}),
 * which image and label files use, is supported. A wrong magic, a bad dimension, truncated data or trailing
 * bytes are {@link DataFormatException}s naming the file and the field ({@code magic}, {@code type},
 * {@code dimensions}, {@code count}, {@code data}).
 */
public final class IdxReader {
    private IdxReader() {}

    public static final int UNSIGNED_BYTE = 0x08;

    /**
     * The content of one IDX file.
     *
     * @param dims dimension sizes, the first being the item count
     * @param data the {@code product(dims)} unsigned bytes
     */
    public record Idx(Path file, int[] dims, byte[] data) {
        public int count() { return dims[0]; }

        @Override
        public String toString() {
            return "Idx[" + file + ", dims=" + Arrays.toString(dims) + "]";
        }
    }

    /** Reads an IDX file; {@code expectedDims} (or -1 for any) checks the number of dimensions. */
    public static Idx read(Path file, int expectedDims) {
        try (InputStream raw = DataFiles.open(file); var in = new DataInputStream(raw)) {
            byte[] magic = new byte[4];
            try {
                in.readFully(magic);
            } catch (EOFException e) {
                throw new DataFormatException(file, 0, "magic", "file shorter than the 4-byte magic number");
            }
            if (magic[0] != 0 || magic[1] != 0) {
                throw new DataFormatException(file, 0, "magic", String.format(
                        "not an IDX file: magic number 0x%02x%02x%02x%02x does not start with 0x0000",
                        magic[0], magic[1], magic[2], magic[3]));
            }
            if ((magic[2] & 0xff) != UNSIGNED_BYTE) {
                throw new DataFormatException(file, 0, "type", String.format(
                        "data type 0x%02x is not supported (only unsigned byte 0x08)", magic[2] & 0xff));
            }
            int ndims = magic[3] & 0xff;
            if (ndims < 1 || (expectedDims > 0 && ndims != expectedDims)) {
                throw new DataFormatException(file, 0, "dimensions", "expected " + (expectedDims > 0 ? expectedDims : "at least 1")
                        + " dimension(s), the magic number says " + ndims);
            }
            int[] dims = new int[ndims];
            long total = 1;
            for (int i = 0; i < ndims; i++) {
                try {
                    dims[i] = in.readInt();
                } catch (EOFException e) {
                    throw new DataFormatException(file, 0, i == 0 ? "count" : "dimensions",
                            "file ends inside the header (dimension " + (i + 1) + " of " + ndims + ")");
                }
                if (dims[i] < 0 || (i > 0 && dims[i] == 0)) {
                    throw new DataFormatException(file, 0, i == 0 ? "count" : "dimensions",
                            "invalid size " + dims[i] + " of dimension " + (i + 1));
                }
                total *= dims[i];
            }
            if (total > Integer.MAX_VALUE - 16) {
                throw new DataFormatException(file, 0, "dimensions", "too large: " + total + " bytes");
            }
            byte[] data = new byte[(int) total];
            int read = in.readNBytes(data, 0, data.length);
            if (read < data.length) {
                throw new DataFormatException(file, 0, "data", "truncated: header " + Arrays.toString(dims)
                        + " announces " + total + " data bytes but the file has " + read);
            }
            if (in.read() != -1) {
                throw new DataFormatException(file, 0, "data", "trailing bytes after the " + total
                        + " data bytes announced by the header " + Arrays.toString(dims));
            }
            return new Idx(file, dims, data);
        } catch (IOException e) {
            throw new DataFormatException(file, 0, "data", "cannot read: " + e.getMessage(), e);
        }
    }
}
