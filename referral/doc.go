// Package referral turns structured GP referral data into a professional
// referral letter, or, for a two-week-wait case, into what the NHS
// e-Referral Service (eRS) needs instead.
//
// English GP practices need not fill in locally imposed referral forms: a
// GP may refer by a professional letter, and using a local form is not a
// requirement of the GP contract (GMS/PMS). The exception is the two-week
// wait for urgent suspected cancer, which always goes through eRS. This
// package holds that rule in code:
//
//	ref, err := referral.Decode(r)   // strict JSON: unknown fields are errors
//	err = ref.Validate()             // referral.FieldErrors, every failing field at once
//	route := referral.Decide(ref)    // PathLetter, or PathERS with a Handoff
//	letter, err := referral.Compose(ref)
//	err = letter.WriteText(w)        // or pdf.Render(w, letter)
//
// Compose validates and re-checks the route: a two-week-wait case gives an
// error wrapping ErrTwoWeekWait, never a Letter. A Letter is a small,
// format-free tree of blocks that renderers walk in order; everything they
// print is in it.
//
// Clinical information is never lost or invented: every field given reaches
// the letter; medication and allergies always print their state, and only
// an explicit empty recorded list prints "No known drug allergies". Errors
// and warnings name a field and a rule, never a value, so they are safe to
// log.
//
// The package does no I/O beyond the reader and writer it is given, knows
// nothing of PDF or HTTP (see packages pdf and referral/ers), and is safe
// for concurrent use: Compose and Decide share no state between calls.
package referral
