// Package proforma shows how a referral letter answers a service's local
// referral form, so that the practice can write a letter instead of filling
// the form in.
//
// Services often ask for their own proforma. Using one is not a requirement
// of the GP contract, but its questions say what the service wants to know.
// This package reads a form's definition, checks a referral against it, and
// reports for each question whether the letter already answers it (and
// from which field), whether it is a precondition the service imposes or an
// administrative item that the letter does not have to satisfy, or whether
// it is still open. The referrer can answer questions the referral's own
// fields do not cover; those answers are carried into the letter.
//
//	form, err := proforma.Load(file)             // strict; errors name the place
//	report, err := form.Check(ref, answers)      // one Result per question
//	report.WriteText(os.Stdout)                  // for the referrer, before sending
//	letter, err := referral.Compose(ref, referral.WithProforma(report))
//
// With [referral.WithProforma], the letter gains a section "Information
// requested by <issuer>" holding the referrer's answers as question and
// answer pairs, and the contractual statement names the form. Open
// questions are never printed in the letter as blanks: the required ones
// are listed, by label, as not available at the time of referral, and the
// statement claims only the rest as answered. A two-week-wait form sends the case to the NHS
// e-Referral Service: [referral.Decide] takes the eRS path and
// [referral.Compose] refuses, exactly as for a two-week-wait priority.
//
// # Form definitions
//
// A form is a JSON object:
//
//	{
//	  "id": "derm-lesion",                 // required; letters, digits, '.', '_', '-'
//	  "title": "Dermatology Referral Form for Skin Lesions and Rashes",  // required
//	  "issuer": "NHS Aldermoor and Wyke ICB (fictional)",              // required
//	  "specialty": "Dermatology",
//	  "version": "2025-09-01",             // the form's version date, YYYY-MM-DD
//	  "twoWeekWait": false,                // a suspected-cancer form
//	  "questions": [                       // 1 to 200, in the form's order
//	    {
//	      "id": "lesion-site",             // required, unique in the form
//	      "label": "Site of lesion(s)",    // required: the question as printed
//	      "kind": "text",                  // text | yes-no | date | number | choice
//	      "choices": ["..."],              // for kind choice only, and required there
//	      "required": true,                // the form marks it required
//	      "maps": "",                      // a referral JSON path, or empty
//	      "gate": false,                   // a precondition the service imposes
//	      "administrative": false          // covered by letterhead and signature
//	    }
//	  ]
//	}
//
// A maps path is the referral's own JSON path with the names of its json
// tags: "patient.nhsNumber", "history", "medications",
// "communication.interpreter". A list is addressed without an index
// ("investigations"), and a field of its items as "investigations.result".
// Paths are found by reflecting over [referral.Referral], so they follow
// the model as it changes; [ValidPath] reports whether one exists.
//
// [Load] is strict, as the rest of refletter is: unknown or repeated keys,
// wrong JSON types, trailing data, an unknown kind, a choice question
// without choices (or choices on another kind), duplicate question ids, a
// maps path that is not a referral field, a question that is both a gate
// and an administrative item, a form with no questions, control characters,
// and input over 1 MiB are all errors. Every problem is listed at once in
// an [Errors], each naming its place: "questions[3].maps: no such referral
// field". An unknown or repeated key is named by its position ("unknown
// field (4th key)"), never repeated, since it may hold anything.
//
// # Checking
//
// [Form.Check] gives each question one [Status]:
//
//   - answered: the referral holds content at the question's maps path
//     (text that is not blank, a date, an explicit yes or no, a list with
//     content; a medication or allergy list with its state set counts even
//     when empty, since "none recorded" and "unknown" are both statements
//     the letter prints), or the referrer answered it. Source says which.
//   - not-needed: a gate or an administrative item nothing answers. Why
//     says so in one sentence.
//   - open: a clinically relevant question nothing answers.
//
// Answers are given by question id ([Answers], or a JSON file read by
// [LoadAnswers]). Each must suit its question's kind: yes or no (any case),
// a real date as YYYY-MM-DD (printed "9 November 2026"), a decimal number,
// or one of the choices (any case; printed as the form spells it). An
// answer to a question the form does not have is an error. No answer is
// ever dropped: an answer to a gate, an administrative item or a question
// the referral already answers is still carried into the letter. Errors
// name the question id and the rule, never the answer.
//
// # Non-goals
//
// The package does not fill in or render the service's form, does not
// decide whether a gate is met, and does not judge whether the letter's
// text answers a question well: a mapped field with content counts as an
// answer. It does not validate the referral; that is [referral.Referral.Validate].
package proforma
