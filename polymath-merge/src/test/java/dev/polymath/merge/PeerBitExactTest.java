package dev.polymath.merge;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Polymath reproduces the NumPy peer's task arithmetic and TIES outputs bit for bit. */
class PeerBitExactTest {
    @TempDir Path dir;

    static Path fixture() {
        try {
            return Path.of(PeerBitExactTest.class.getResource("/peer4096/expected.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "threads {0}, chunk {1}")
    @CsvSource({"1, 1048576", "2, 100", "2, 1024", "3, 7"})
    void smallFixtureMatchesPeer(int threads, int chunk) throws IOException {
        Path fx = fixture();
        var expected = new ObjectMapper().readTree(fx.resolve("expected.json").toFile());
        var opt = MergeEngine.Options.defaults().withThreads(threads).withChunk(chunk);
        var ta = TestModels.merge(fx.resolve("task_arithmetic.yaml"), dir.resolve("ta"), opt);
        assertEquals(expected.get("sha256_data_merged_ta").asText(), TestModels.sha256Data(ta.out().resolve("model.safetensors")));
        var ties = TestModels.merge(fx.resolve("ties.yaml"), dir.resolve("ties"), opt);
        assertEquals(expected.get("sha256_data_merged_ties").asText(), TestModels.sha256Data(ties.out().resolve("model.safetensors")));
        // the peer's sanity figure: non-zeros kept in ft0's trimmed task vector
        long kept = 0;
        for (var s : ties.stats()) kept += Math.round(((double[]) s.get("density_achieved"))[0] * (long) s.get("numel"));
        assertEquals(expected.get("ft0_trimmed_nonzeros").asLong(), kept);
        assertTrue(Files.isRegularFile(ties.out().resolve("merge_config.json")));
        assertTrue(Files.readString(ties.out().resolve("merge_config.json")).contains("ties to the lower flat index"));
    }

    /** Runs the peer at 1,000,000 parameters (when Debian's python3 with NumPy is there) and checks the README's digests. */
    @Test
    void millionParametersMatchReadme() throws Exception {
        Path py = Path.of("/usr/bin/python3");
        Path script = Path.of("/work/shared/peers/numpy_merge.py");
        Assumptions.assumeTrue(Files.isExecutable(py) && Files.isRegularFile(script), "python3 or the peer script is missing");
        Process check = new ProcessBuilder(py.toString(), "-c", "import numpy").redirectErrorStream(true).start();
        Assumptions.assumeTrue(check.waitFor(60, TimeUnit.SECONDS) && check.exitValue() == 0, "numpy is not installed");
        Path out = dir.resolve("peer1M");
        Process p = new ProcessBuilder(py.toString(), script.toString(), "1000000", "0.1", "0.5", "--out", out.toString(), "--repeats", "1")
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "peer timed out");
        assertEquals(0, p.exitValue(), log);
        var peer = new ObjectMapper().readTree(log.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
        String ta = "20c239ebc86e89b0aade3f7da81b6a1a5ad44e4c773453ad6433f3b817f2d796";
        String ties = "c29c7b2dd4fd90fd889c1986e7b3d12ce562d73650a731d775217724a4f4b1e1";
        assertEquals(ta, peer.get("sha256_data_merged_ta").asText(), "peer itself reproduces the README");
        assertEquals(ties, peer.get("sha256_data_merged_ties").asText(), "peer itself reproduces the README");
        String models = "  - model: ft0.safetensors\n  - model: ft1.safetensors\n  - model: ft2.safetensors\n";
        Files.writeString(out.resolve("ta.yaml"), "merge_method: task_arithmetic\nbase_model: base.safetensors\nmodels:\n" + models
                + "parameters: {weight: 1, lambda: 0.5}\n");
        Files.writeString(out.resolve("ties.yaml"), "merge_method: ties\nbase_model: base.safetensors\nmodels:\n" + models
                + "parameters: {weight: 1, density: 0.1, lambda: 0.5}\n");
        var opt = MergeEngine.Options.defaults().withThreads(2).withChunk(1 << 16);
        var r1 = TestModels.merge(out.resolve("ta.yaml"), dir.resolve("ta"), opt);
        assertEquals(ta, TestModels.sha256Data(r1.out().resolve("model.safetensors")));
        var r2 = TestModels.merge(out.resolve("ties.yaml"), dir.resolve("ties"), opt);
        assertEquals(ties, TestModels.sha256Data(r2.out().resolve("model.safetensors")));
    }
}
