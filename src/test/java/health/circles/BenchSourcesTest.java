package health.circles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The benchmarks' Java programs (bench/) use the service's own classes, so a change to those can leave a benchmark
 * that no longer compiles, found only when someone next measures. Each folder of them is compiled here against the
 * service's classes and dependencies, as its runner compiles it.
 */
class BenchSourcesTest {

    /** Each folder under bench/ that holds Java sources (bench/src and bench/network/src as whole trees). */
    static Stream<String> folders() throws IOException {
        return sources().keySet().stream();
    }

    private static Map<String, List<Path>> sources() throws IOException {
        Path bench = Path.of("bench");
        try (Stream<Path> files = Files.walk(bench)) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .collect(Collectors.groupingBy(f -> unit(bench.relativize(f)), TreeMap::new, Collectors.toList()));
        }
    }

    /** The folder a source is compiled with: its tree's root for a src/ tree, its own folder otherwise. */
    private static String unit(Path relative) {
        for (int i = 0; i < relative.getNameCount(); i++) {
            if (relative.getName(i).toString().equals("src")) {
                return relative.subpath(0, i + 1).toString();
            }
        }
        return relative.getParent().toString();
    }

    @ParameterizedTest
    @MethodSource("folders")
    void compiles(String folder, @TempDir Path out) throws IOException {
        List<Path> files = sources().get(folder);
        assertFalse(files.isEmpty(), folder);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "a JDK is needed to compile the benchmarks");
        List<String> args = new ArrayList<>(List.of("-proc:none", "-nowarn", "-Xlint:none", "-d", out.toString(),
                "-cp", System.getProperty("java.class.path")));
        files.forEach(f -> args.add(f.toString()));
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = javac.run(null, null, errors, args.toArray(String[]::new));
        assertEquals(0, status, "bench/" + folder + " does not compile:\n" + errors.toString(StandardCharsets.UTF_8));
    }
}
