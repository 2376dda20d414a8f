package dev.drydock.registry;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

/** ARCHITECTURE §2's dependency rule: api -> service -> (domain, persistence, storage); domain depends on nothing. */
class ArchitectureTest {

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.drydock.registry");
    }

    @Test
    void layersOnlyCallDownwards() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("api").definedBy("dev.drydock.registry.api..")
                .layer("service").definedBy("dev.drydock.registry.service..")
                .layer("persistence").definedBy("dev.drydock.registry.persistence..")
                .layer("storage").definedBy("dev.drydock.registry.storage..")
                .layer("domain").definedBy("dev.drydock.registry.domain..")
                .layer("config").definedBy("dev.drydock.registry.config..")
                .whereLayer("api").mayNotBeAccessedByAnyLayer()
                .whereLayer("service").mayOnlyBeAccessedByLayers("api")
                .whereLayer("persistence").mayOnlyBeAccessedByLayers("service")
                .whereLayer("storage").mayOnlyBeAccessedByLayers("service")
                .whereLayer("domain").mayOnlyBeAccessedByLayers("api", "service", "persistence", "storage")
                .check(classes);
    }

    @Test
    void domainNeedsNoFramework() {
        noClasses().that().resideInAPackage("dev.drydock.registry.domain..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.quarkus..", "jakarta..",
                        "io.smallrye..", "dev.drydock.registry.service..", "dev.drydock.registry.persistence..")
                .check(classes);
    }
}
