package dev.polymath.text.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The two bfloat16 operations DJL's PyTorch engine cannot express: DJL 0.36's JNI maps no DJL data type to
 * {@code torch.bfloat16} (its {@code GetScalarTypeFromDType} ends in a bare {@code throw;}, so
 * {@code toType(BFLOAT16)} or creating a bf16 array aborts the JVM). Tensors of that type still work in every other
 * op, and casting them back to float32 works, so the only missing piece is the cast into bf16. This class gets it
 * from a tiny TorchScript module whose source is below: the archive is written in memory and compiled by libtorch on
 * load (no file, no Python). Its {@code linear} rounds {@code x} (float32) to bf16, multiplies it by a bf16 weight
 * with float32 accumulation, adds the bf16 bias, and returns the result (rounded to bf16, as PyTorch's bf16 linear
 * does) as float32, in one native call; on a CPU with avx512_bf16 (or AMX) oneDNN runs it at about twice the float32 rate.
 *
 * <p>The module belongs to the manager given to {@link #load} and is freed with it. Arrays that this class returns are
 * attached to the manager passed in (or the input's manager).
 */
final class Bf16Ops {
    // ScalarType codes in serialized TorchScript: 15 = torch.bfloat16, 6 = torch.float32.
    private static final String SOURCE = """
            class Bf16Ops(Module):
              __parameters__ = []
              __buffers__ = []
              training : bool
              def forward(self: __torch__.Bf16Ops,
                x: Tensor) -> Tensor:
                return torch.to(x, 15)
              def linear(self: __torch__.Bf16Ops,
                x: Tensor,
                w: Tensor,
                b: Tensor) -> Tensor:
                y = torch.linear(torch.to(x, 15), w, b)
                return torch.to(y, 6)
            """;
    // pickle (protocol 2) of a Bf16Ops object with training = False: the module's state in data.pkl.
    private static final byte[] DATA_PKL = pickle("\u0080\u0002c__torch__\nBf16Ops\nq\u0000)\u0081}(X\b\u0000\u0000\u0000trainingq\u0001\u0089ubq\u0002.");
    private static final byte[] CONSTANTS_PKL = pickle("\u0080\u0002).");

    private final PtSymbolBlock module;

    private Bf16Ops(PtSymbolBlock module) {
        this.module = module;
    }

    /** Compiles the module into {@code manager} (closed with it). */
    static Bf16Ops load(NDManager manager) {
        try {
            return new Bf16Ops(JniUtils.loadModule((PtNDManager) manager, new ByteArrayInputStream(archive()), false, false));
        } catch (IOException e) {
            throw new UncheckedIOException("could not load the bf16 TorchScript helper: " + e.getMessage(), e);
        }
    }

    /** {@code x} rounded to bfloat16 (a new array in {@code into}; DJL reports its type as UNKNOWN). */
    NDArray toBf16(NDArray x, NDManager into) {
        try (IValue in = IValue.from((PtNDArray) x); IValue out = IValueUtils.runMethod(module, "forward", in)) {
            return out.toTensor((PtNDManager) into);
        }
    }

    /** {@code x W^T + b} for float32 {@code x} and bf16 {@code w}, {@code b}: input rounded to bf16, fp32 accumulation, output rounded to bf16, returned as float32. */
    NDArray linear(NDArray x, NDArray w, NDArray b) {
        try (IValue xi = IValue.from((PtNDArray) x); IValue wi = IValue.from((PtNDArray) w); IValue bi = IValue.from((PtNDArray) b);
             IValue out = IValueUtils.runMethod(module, "linear", xi, wi, bi)) {
            return out.toTensor((PtNDManager) x.getManager());
        }
    }

    /** The TorchScript archive: a zip of stored (uncompressed) entries, as torch.jit.save writes them. */
    private static byte[] archive() throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            stored(zip, "bf16_ops/data.pkl", DATA_PKL);
            stored(zip, "bf16_ops/code/__torch__.py", SOURCE.getBytes(StandardCharsets.UTF_8));
            stored(zip, "bf16_ops/constants.pkl", CONSTANTS_PKL);
            stored(zip, "bf16_ops/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        return bytes.toByteArray();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        var e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        var crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /** The bytes of a pickle written as a Latin-1 string (every char below 256). */
    private static byte[] pickle(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
