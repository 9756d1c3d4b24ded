package health.circles;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of the code base (docs/architecture.md), checked on the compiled classes so that it cannot drift: no
 * cycles between packages; per capability resource, service, store; queries only in stores; HTTP answers decided in
 * web alone; the demo and synthetic data reached only by the run command.
 */
class ArchitectureTest {

    private static JavaClasses main;

    @BeforeAll
    static void importClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("health.circles");
    }

    private static void check(ArchRule rule) {
        rule.check(main);
    }

    @Test
    void packagesFormNoCycles() {
        check(slices().matching("health.circles.(*)..").should().beFreeOfCycles());
    }

    @Test
    void onlyWebAndResourcesDecideHttpAnswers() {
        check(noClasses().that().resideOutsideOfPackage("health.circles.web..")
                .and().haveSimpleNameNotEndingWith("Resource")
                .should().dependOnClassesThat().haveFullyQualifiedName("health.circles.web.ApiProblem")
                .because("services and stores throw health.circles.failure exceptions; web maps them to statuses"));
    }

    /** Statements, not transactions: a service may open a graph transaction whose Cypher a *Graph class runs. */
    @Test
    void queriesLiveInStores() {
        DescribedPredicate<JavaAccess<?>> query = DescribedPredicate.describe("runs SQL or Cypher", access -> {
            String owner = access.getTargetOwner().getFullName();
            String name = access.getName();
            return (owner.equals("jakarta.persistence.EntityManager")
                    && (name.startsWith("create") && name.endsWith("Query")))
                    || (owner.equals("java.sql.Connection") && name.equals("prepareStatement"))
                    || (owner.startsWith("org.neo4j.driver.")
                    && (name.equals("run") || name.equals("executableQuery")));
        });
        check(noClasses().that().haveSimpleNameNotEndingWith("Store")
                .and().haveSimpleNameNotEndingWith("Graph")
                .and().doNotHaveFullyQualifiedName(Sql.class.getName())
                .and().doNotHaveFullyQualifiedName(LocalRoles.class.getName())
                .and().resideOutsideOfPackage("health.circles.graph..")
                .should().callMethodWhere(query)
                .because("every SQL and Cypher statement lives in its capability's *Store or *Graph class"));
    }

    @Test
    void resourcesGoThroughServices() {
        check(noClasses().that().haveSimpleNameEndingWith("Resource")
                .should().dependOnClassesThat().haveSimpleNameEndingWith("Store")
                .because("a resource calls its capability's service, which owns the transaction and the rules"));
    }

    @Test
    void storesAreUsedOnlyInTheirOwnPackage() {
        for (String capability : List.of("contact", "network", "group", "security", "sync", "analytics", "outreach",
                "imports", "events", "fhir")) {
            String own = "health.circles." + capability + "..";
            check(noClasses().that().resideOutsideOfPackage(own)
                    .should().dependOnClassesThat(resideInAPackage(own).and(simpleNameEndingWith("Store")))
                    .because("another capability goes through " + capability + "'s service, never its store"));
        }
    }

    @Test
    void backgroundWorkRunsOnQuarkusManagedExecutor() {
        check(noClasses().should().callMethodWhere(DescribedPredicate.describe("makes a thread pool",
                        access -> access.getTargetOwner().getFullName().equals("java.util.concurrent.Executors")
                                && access.getName().startsWith("new")))
                .orShould().callConstructor(java.util.concurrent.ThreadPoolExecutor.class, int.class, int.class,
                        long.class, java.util.concurrent.TimeUnit.class, java.util.concurrent.BlockingQueue.class)
                .because("background work runs on Quarkus' managed executor (sync.BackgroundWork)"));
    }

    /** The active-tie rule is written once, in network.ActiveTie; every query composes its fragments. */
    @Test
    void theActiveTieRuleHasOneOwner() throws java.io.IOException {
        try (var files = java.nio.file.Files.walk(java.nio.file.Path.of("src/main/java"))) {
            List<String> spelled = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.endsWith(java.nio.file.Path.of("health/circles/network/ActiveTie.java")))
                    .filter(f -> {
                        try {
                            return java.nio.file.Files.readString(f).matches("(?s).*until IS NULL OR .*");
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .map(Object::toString).toList();
            org.junit.jupiter.api.Assertions.assertEquals(List.of(), spelled,
                    "these spell out the active-tie rule instead of using network.ActiveTie");
        }
    }

    @Test
    void nothingUsesFhir() {
        check(noClasses().that().resideOutsideOfPackage("health.circles.fhir..")
                .should().dependOnClassesThat().resideInAPackage("health.circles.fhir..")
                .because("fhir sits at the top: it speaks FHIR over contact, network and consent, and nothing "
                        + "below depends on it"));
    }

    @Test
    void syncNeverImportsWeb() {
        check(noClasses().that().resideInAPackage("health.circles.sync..")
                .should().dependOnClassesThat().resideInAPackage("health.circles.web.."));
    }

    @Test
    void contactAndNetworkUseTheDriverNotTheGraphServer() {
        check(noClasses().that().resideInAnyPackage("health.circles.contact..", "health.circles.network..",
                        "health.circles.group..")
                .should().dependOnClassesThat().resideInAPackage("health.circles.graph.."));
    }

    @Test
    void demoAndSyntheticDataAreReachedOnlyByTheRunCommand() {
        check(noClasses().that().resideOutsideOfPackages("health.circles.demo..", "health.circles.synthetic..")
                .and().doNotHaveFullyQualifiedName(Circles.class.getName())
                .should().dependOnClassesThat()
                .resideInAnyPackage("health.circles.demo..", "health.circles.synthetic.."));
    }

    /**
     * Change events sit below the capabilities that record them: contact, network, outreach, imports and analytics
     * use events, never the reverse (records for payloads come through the events.EventRecords SPI).
     */
    @Test
    void eventsDependOnNoCapabilityAboveThem() {
        check(noClasses().that().resideInAPackage("health.circles.events..")
                .should().dependOnClassesThat().resideInAnyPackage("health.circles.contact..",
                        "health.circles.network..", "health.circles.analytics..", "health.circles.outreach..",
                        "health.circles.imports..", "health.circles.idempotency..", "health.circles.graph..")
                .because("events is below contact: it may use sync, security and web (docs/architecture.md)"));
    }

    @Test
    void failuresDependOnNothingOfTheService() {
        check(classes().that().resideInAPackage("health.circles.failure..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("health.circles.failure..", "java.."));
    }
}
