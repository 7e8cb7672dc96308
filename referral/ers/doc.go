// Package ers takes a referral in England through the NHS e-Referral
// Service (e-RS) FHIR STU3 API: it builds the requests and sends them with a
// small client.
//
// The GP contract in England asks for e-RS for first consultant-led
// outpatient referrals where it is available, so most letters are the
// content of an e-Referral, and e-RS is their transport. A routine or
// urgent referral goes with its own priority (ROUTINE or URGENT), its
// rendered letter uploaded and attached. A two-week-wait (urgent suspected
// cancer) case is never a letter (referral.Compose refuses it); it goes
// from the referral.Handoff with priority TWO_WEEK_WAIT. The flow, as a
// referrer:
//
//  1. Read the specialty and clinic type codes from e-RS (A004,
//     Client.CodeSystem) and pick them by their display text
//     (CodeSystem.Find). Codes are looked up, never hard-coded.
//  2. Search for services for the patient (A010): SearchForReferral (a
//     letter) or SearchFor (a handoff) gives the inputs, NewSearchRequest
//     builds the body, Client.SearchServices sends it. A person chooses
//     the service from what is found.
//  3. Complete the referral in one call: CreateForReferral or CreateFor
//     gives the inputs, NewCreateRequest builds the A011 body, and
//     Client.Submit creates the referral (A011), uploads the letter PDF and
//     any other files (A020) and attaches them all (A012), returning the
//     UBRN and the final ETag. It stops at the first failure with a
//     *SubmitError that says which step failed and what already exists.
//
// Each step is also a call of its own (Client.CreateReferral,
// Client.UploadFile, Client.AttachLetters with NewLetterRequest), for an
// integrator who needs them apart. A012 replaces the whole set of
// attachments, so it always sends all of them.
//
// e-RS is England's. SearchFor, CreateFor and their ForReferral forms
// refuse a practice in Wales, Scotland or Northern Ireland (given, or
// inferred as the referral package does) with an error wrapping
// ErrNotEngland.
//
// The request builders are pure and check their input first: an invalid
// NHS number, an empty or oversized shortlist, a pathway start in the
// future or over a year ago is a *RequestError that names each failing
// field (never its value), and no body is built. The bodies are checked
// against the e-RS specification's own examples, and sent to NHS Digital's
// own sandbox server in the tests, so an integrator with another HTTP
// stack can send them as they are.
//
// A non-2xx answer is an *APIError with the HTTP status and the e-RS error
// codes of its OperationOutcome, matchable with errors.As. Its diagnostics
// text is never read, as it may repeat patient data; nor do other errors
// of this package hold any.
//
// Non-goals. The package does not obtain, store or refresh credentials: the
// integrator supplies a CIS2 user token through a TokenSource, and the
// client only sends it. It never retries: a POST is sent once, redirects are
// not followed, and a failure goes back to the caller, because a repeated
// A011 would create a second referral. It covers the referrer's path for
// one referral (A004, A010, A011, A020, A012), not the rest of the e-RS API,
// and does not use the read-only R4 endpoints.
package ers
