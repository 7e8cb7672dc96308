// Package ers takes a two-week-wait (urgent suspected cancer) referral the
// rest of the way: from the referral.Handoff that referral.Decide gives on
// the eRS path to requests for the NHS e-Referral Service (eRS) FHIR STU3
// API, and a small client that sends them.
//
// A two-week-wait case never becomes a letter (referral.Compose refuses
// it); in eRS it is an ordinary referral whose search criteria carry the
// priority TWO_WEEK_WAIT. The flow, as a referrer:
//
//  1. Read the specialty and clinic type codes from eRS (A004,
//     Client.CodeSystem) and pick them by their display text
//     (CodeSystem.Find). Codes are looked up, never hard-coded.
//  2. Search for services for the patient (A010): ServiceSearch builds the
//     body from SearchFor(handoff, criteria); Client.SearchServices sends it.
//  3. Create the referral with a shortlist of 1 to 20 of the services found
//     (A011): CreateReferral builds the body from ReferralFor(handoff,
//     criteria, ids...); Client.CreateReferral returns the UBRN and ETag.
//  4. Upload the completed suspected-cancer referral form of the cancer
//     alliance (the Handoff's Summary is written for it) and any other
//     clinical information (A020, Client.UploadFile, at most 5 MB each,
//     accepted types only).
//  5. Attach every file to the referral (A012): MaintainReferralLetter
//     builds the body, Client.AttachLetters sends it with If-Match. A012
//     replaces the whole set of attachments, so always send all of them.
//
// The request builders are pure and check their input first: an invalid
// NHS number, an empty or oversized shortlist, a pathway start in the
// future or over a year ago is a *RequestError that names each failing
// field (never its value), and no body is built. The bodies are checked
// against the eRS specification's own examples (testdata/ers), so an
// integrator with another HTTP stack can send them as they are.
//
// A non-2xx answer is an *APIError with the HTTP status and the eRS error
// codes of its OperationOutcome, matchable with errors.As. Its diagnostics
// text is never read, as it may repeat patient data; nor do other errors
// of this package hold any.
//
// Non-goals. The package does not obtain, store or refresh credentials: the
// integrator supplies a CIS2 user token through a TokenSource, and the
// client only sends it. It never retries: a POST is sent once, redirects are
// not followed, and a failure goes back to the caller, because a repeated
// A011 would create a second referral. It covers the referrer's path for
// one referral (A004, A010, A011, A020, A012), not the rest of the eRS API,
// and does not use the read-only R4 endpoints.
package ers
