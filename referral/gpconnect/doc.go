// Package gpconnect turns the GP record into a draft referral. It reads
// GP Connect Access Record: Structured bundles (FHIR STU3, profile
// GPConnect-StructuredRecord-Bundle-1), the national way to read a GP
// record in England, and returns a draft referral.Referral holding what the
// record holds, with a Report of where each part came from and what the
// clinician must still write.
//
//	draft, report, err := gpconnect.Read(allergies, medication, problems)
//
// The mapping follows the GP Connect guidance, so that no integrator has to
// get its safety rules right alone:
//
//   - Allergies: an AllergyIntolerance coded 716186003 "No known allergy"
//     or 409137002 "No known drug allergy", with no active allergy beside
//     it, is "recorded, none". An allergies List that is empty with an
//     emptyReason (no-content-recorded, or the older noContent) is
//     "unknown", never none; so is a List that is missing, empty without a
//     reason, or may be incomplete. The other "no known" codes (food,
//     environmental, insect) say nothing about drugs and never make the
//     list "none". A transfer-degraded drug allergy (196461000000101) is
//     named by its original term (the text, else the note). Ended and
//     resolved allergies are never active.
//   - An active allergy, or a medication not ended, that no list holds
//     (one from a consultation, say) gives a Warning and keeps its list
//     from being read as "none".
//   - A List carrying a warning code (confidential-items, data-in-transit,
//     data-awaiting-filing) gives a Warning, and never lets its list be
//     read as "none": with no items it is "unknown".
//   - Medication: only an active MedicationStatement is current medication,
//     named from its Medication, with its dosage text (and the patient's
//     instruction) and start; completed and stopped ones are not. A
//     transfer-degraded medication entry (196421000000109) is named by its
//     original term. An empty medication List with an emptyReason is
//     "unknown".
//   - Past history comes from the problems List (active and significant
//     first; a problem is called significant or minor only when the record
//     says so); investigations from Observations, with value, unit,
//     reference range and date, a DiagnosticReport's results named under it.
//     A preliminary result says so; the results of a report entered in
//     error or cancelled are never placed.
//
// References are followed by "Type/id" (also absolute, or with a version),
// by an entry's fullUrl (such as "urn:uuid:..."), and by "#id" to a
// contained resource. A Patient that has died, and an OperationOutcome in
// which the GP system says it could not return part of the record, give a
// Warning.
//
// Nothing is dropped silently: every resource, or element of one, that
// the draft does not carry is listed in Report.Unplaced. Bundles about
// different patients (NHS number, date of birth or family name) are
// refused. A document that is not a structured record bundle, is
// truncated, or holds a resource of the wrong type is an *Error naming the
// bundle, the entry index and the resource type; no error or report text
// holds a value from the record.
//
// The draft is not a referral yet: the record cannot supply the referrer's
// question. Report.ToWrite lists what remains (reason, request, history,
// priority, recipient, and the referrer, who is only suggested). Once
// completed, the draft is an ordinary referral for referral.Validate.
//
// Non-goals. The package reads bundles; it does not call GP Connect (the
// Spine, its security and its consent model are the integrator's). It
// reads the STU3 elements it maps as plain structs rather than through a
// FHIR library: github.com/google/fhir/go (jsonformat) was tried, and it
// rejects three of the five example bundles published with the
// specification (two even without validation), and it would add over 200
// packages and about 30 MB to every program that imports this one.
package gpconnect
