package ers

import (
	"context"
	"fmt"
	"strconv"
)

// Upload is a file for Submit to upload (A020) and attach (A012): the
// rendered referral letter, and any other clinical information.
type Upload struct {
	// Name is the file name with its extension, such as "letter.pdf".
	Name string
	// ContentType is a type the A020 specification lists, such as
	// application/pdf, matching the extension.
	ContentType string
	// Data is the file: at most MaxFileSize bytes.
	Data []byte
	// Description says what the file is, for the receiving clinician.
	// Optional.
	Description string
}

// Submitted is what a completed Submit gives.
type Submitted struct {
	// UBRN is the new referral's Unique Booking Reference Number. Set it
	// as the referral's ubrn if the letter is rendered again.
	UBRN string
	// ETag is the referral's version after the letters were attached: send
	// it as If-Match with the next change.
	ETag string
	// Locations are the uploaded files, "Binary/<id>", in the order given.
	Locations []string
}

// Steps of Submit, as SubmitError.Step names them.
const (
	StepCreate = opCreate
	StepUpload = opUpload
	StepAttach = opLetter
)

// SubmitError is a Submit that stopped part-way. It says which step failed
// and what already exists in e-RS, so that nothing is done twice: a
// referral created (UBRN set) must not be created again, only completed.
// It wraps the step's own error (an *APIError, a *RequestError, ...).
type SubmitError struct {
	// Step is the operation that failed: StepCreate, StepUpload or
	// StepAttach.
	Step string
	// UBRN is the referral created in e-RS before the failure, or "".
	UBRN string
	// ETag is the created referral's version, or "".
	ETag string
	// Uploaded are the files already uploaded, "Binary/<id>"; they are not
	// attached to the referral.
	Uploaded []string
	// File is the index of the upload that failed, for StepUpload.
	File int
	Err  error
}

// Error says which step failed and what exists in e-RS. It holds no UBRN
// or patient data: read the fields for them.
func (e *SubmitError) Error() string {
	var exists string
	switch {
	case e.UBRN == "":
		exists = "nothing was created in e-RS"
	case len(e.Uploaded) == 0:
		exists = "the referral was created in e-RS (see UBRN) with no file uploaded"
	default:
		exists = "the referral was created in e-RS (see UBRN) and " + strconv.Itoa(len(e.Uploaded)) +
			" file(s) uploaded but not attached"
	}
	step := e.Step
	if e.Step == StepUpload {
		step += " (file " + strconv.Itoa(e.File+1) + ")"
	}
	return fmt.Sprintf("ers: submit stopped at %s: %s: %v", step, exists, e.Err)
}

// Unwrap returns the step's error.
func (e *SubmitError) Unwrap() error { return e.Err }

// Submit completes a referral once its service is chosen: it creates the
// referral (A011), uploads each file (A020) and attaches them all (A012),
// and returns the UBRN and the final ETag. The search (A010) stays
// separate: a person chooses the services from its shortlist.
//
// Every upload is checked before anything is sent. Submit stops at the
// first failure with a *SubmitError saying which step failed and what
// already exists in e-RS; it never retries (a second A011 would make a
// second referral). ctx bounds the whole call.
func (cl *Client) Submit(ctx context.Context, req *CreateRequest, files ...Upload) (Submitted, error) {
	fail := func(step string, s Submitted, i int, err error) (Submitted, error) {
		return Submitted{}, &SubmitError{Step: step, UBRN: s.UBRN, ETag: s.ETag, Uploaded: s.Locations, File: i, Err: err}
	}
	if req == nil {
		return fail(StepCreate, Submitted{}, 0, nilRequest(opCreate))
	}
	if len(files) == 0 {
		var ch checker
		ch.fail("files", "min", "at least the referral letter is needed: A012 cannot attach an empty set")
		return fail(StepAttach, Submitted{}, 0, ch.err(opLetter))
	}
	for i, f := range files {
		if err := checkFile(File{Name: f.Name, ContentType: f.ContentType, Data: f.Data, ReferralID: "000000000000"}); err != nil {
			return fail(StepUpload, Submitted{}, i, err)
		}
		if hasTextControl(f.Description) {
			var ch checker
			ch.fail(index("files", i)+".description", "control", "control characters other than newline and tab are not allowed")
			return fail(StepUpload, Submitted{}, i, ch.err(opLetter))
		}
	}

	var s Submitted
	created, err := cl.CreateReferral(ctx, req)
	s.UBRN, s.ETag = created.UBRN, created.ETag
	if err != nil {
		return fail(StepCreate, s, 0, err)
	}
	docs := make([]Document, len(files))
	for i, f := range files {
		loc, err := cl.UploadFile(ctx, File{Name: f.Name, ContentType: f.ContentType, Data: f.Data, ReferralID: s.UBRN})
		if err != nil {
			return fail(StepUpload, s, i, err)
		}
		s.Locations = append(s.Locations, loc)
		docs[i] = Document{Location: loc, Description: f.Description, Indexed: cl.now()}
	}
	letters, err := NewLetterRequest(docs...)
	if err != nil {
		return fail(StepAttach, s, 0, err)
	}
	etag, err := cl.AttachLetters(ctx, s.UBRN, s.ETag, letters)
	if err != nil {
		return fail(StepAttach, s, 0, err)
	}
	s.ETag = etag
	return s, nil
}
