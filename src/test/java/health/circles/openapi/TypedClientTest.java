package health.circles.openapi;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import health.circles.AsRole;
import health.circles.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.annotation.Nullable;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.openapitools.codegen.DefaultGenerator;
import org.openapitools.codegen.config.CodegenConfigurator;
import org.openapitools.jackson.nullable.JsonNullableModule;

/**
 * A front-end's view of the contract: a Java client generated from the live /q/openapi by openapi-generator (java,
 * library native) is compiled together with a hand-written driver (src/test/typed-client) that calls the service
 * through the typed API only. When an operationId or a schema drifts, the driver no longer compiles and this fails.
 */
@QuarkusTest
@AsRole("admin")
class TypedClientTest {

    private static final Path WORK = Path.of("target/typed-client");
    private static final Path DRIVER = Path.of("src/test/typed-client");

    @TestHTTPResource("/")
    URL base;

    @Test
    void aGeneratedClientDrivesTheApi() throws Exception {
        Path spec = WORK.resolve("openapi.json");
        Path generated = WORK.resolve("generated");
        Path classes = WORK.resolve("classes");
        clean(WORK);
        Files.createDirectories(classes);
        Files.writeString(spec, given().queryParam("format", "json").when().get("/q/openapi")
                .then().statusCode(200).extract().asString());

        generate(spec, generated);
        compile(generated, classes);

        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                TypedClientTest.class.getClassLoader())) {
            Class<?> driver = loader.loadClass("TypedClientDriver");
            String baseUri = base.toString().replaceAll("/$", "");
            try {
                Consumer<Callable<Boolean>> await = condition -> Awaitility.await().atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(500)).until(condition);
                driver.getMethod("run", String.class, String.class, Consumer.class)
                        .invoke(null, baseUri, TestTokens.token("admin"), await);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }
    }

    private static void generate(Path spec, Path out) {
        CodegenConfigurator config = new CodegenConfigurator()
                .setGeneratorName("java")
                .setLibrary("native")
                .setInputSpec(spec.toAbsolutePath().toString())
                .setOutputDir(out.toAbsolutePath().toString())
                .setInvokerPackage("health.circles.client")
                .setApiPackage("health.circles.client.api")
                .setModelPackage("health.circles.client.model")
                .addAdditionalProperty("useJakartaEe", true)
                .addAdditionalProperty("hideGenerationTimestamp", true)
                .addGlobalProperty("apiTests", "false")
                .addGlobalProperty("modelTests", "false")
                .addGlobalProperty("apiDocs", "false")
                .addGlobalProperty("modelDocs", "false");
        List<File> files = new DefaultGenerator().opts(config.toClientOptInput()).generate();
        assertTrue(files.size() > 20, "files generated: " + files.size());
    }

    private static void compile(Path generated, Path classes) throws IOException {
        // The driver, and through the source path every generated class it reaches (the API classes it calls, the
        // models they answer, the client's plumbing): compiling the rest of a 150-model client would only take time.
        List<File> sources;
        try (Stream<Path> driver = Files.walk(DRIVER)) {
            sources = driver.filter(p -> p.toString().endsWith(".java")).map(Path::toFile).toList();
        }
        // What the generated sources import, wherever the test's class path keeps it.
        String classPath = Stream.of(ObjectMapper.class, JsonParser.class, JsonInclude.class, JavaTimeModule.class,
                        JsonNullableModule.class, Nullable.class)
                .map(c -> c.getProtectionDomain().getCodeSource().getLocation().getPath())
                .distinct().collect(Collectors.joining(File.pathSeparator));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, null)) {
            List<String> options = new ArrayList<>(List.of("-d", classes.toString(), "-classpath", classPath,
                    "-sourcepath", generated.resolve("src/main/java").toString(), "-implicit:class",
                    "-proc:none", "-nowarn", "-encoding", "UTF-8", "--release", "17"));
            boolean compiled = compiler.getTask(diagnostics, files, null, options, null,
                    files.getJavaFileObjectsFromFiles(sources)).call();
            assertTrue(compiled, "the generated client and the driver compile:\n" + diagnostics);
        }
    }

    private static void clean(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        assertEquals(false, Files.exists(dir), "cleaned " + dir);
    }
}
