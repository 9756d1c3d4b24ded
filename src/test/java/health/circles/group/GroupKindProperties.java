package health.circles.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import health.circles.contact.ContactKind;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The role vocabulary of each group kind, for any text a client may send as a role. */
class GroupKindProperties {

    @Property(tries = 500)
    void aRoleOutsideTheVocabularyNeverFits(@ForAll GroupKind kind, @ForAll ContactKind contact,
                                            @ForAll("anyText") String role) {
        String misfit = kind.misfit(role, contact);
        if (!kind.roles().contains(role)) {
            assertNotNull(misfit);
        }
    }

    @Property(tries = 200)
    void everyKindsDefaultRoleIsInItsVocabularyAndFitsAPatient(@ForAll GroupKind kind) {
        assertNull(kind.misfit(kind.defaultRole(), ContactKind.PATIENT));
    }

    @Property(tries = 200)
    void clinicalRolesAskForTheirKindOfContact(@ForAll ContactKind contact) {
        assertEquals(contact == ContactKind.PHYSICIAN, GroupKind.CARE_TEAM.misfit("physician", contact) == null);
        assertEquals(contact == ContactKind.NURSE, GroupKind.CARE_TEAM.misfit("nurse", contact) == null);
        assertEquals(contact == ContactKind.PATIENT, GroupKind.CLINIC_PANEL.misfit("patient", contact) == null);
        assertEquals(contact.isPerson(), GroupKind.HOUSEHOLD.misfit("member", contact) == null);
    }

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(60),
                Arbitraries.of("\u0000", "member\u0000", "\uD800", "HEAD", " head", "head ", "social-worker", "%", "_",
                        "'; DROP TABLE group_membership; --", "m\u0301ember", "\u202Ememb", ""));
    }
}
