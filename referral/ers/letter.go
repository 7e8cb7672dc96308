package ers

import (
	"encoding/json"
	"time"
)

// Document is one referral letter attachment: a file already uploaded with
// Client.UploadFile (A020), to be associated with the referral (A012).
type Document struct {
	// Location is the uploaded file's "Binary/<id>", as UploadFile returns
	// it. Required.
	Location string
	// Description says what the document is. Optional.
	Description string
	// Indexed is when the document was made ready for the referral.
	// Required.
	Indexed time.Time
}

// LetterRequest is a checked A012 request body, built by NewLetterRequest.
// Send it with Client.AttachLetters, or marshal it to JSON for another HTTP
// stack.
type LetterRequest struct {
	body parameters
}

// MarshalJSON returns the FHIR STU3 Parameters body.
func (r *LetterRequest) MarshalJSON() ([]byte, error) { return json.Marshal(r.body) }

const opLetter = "A012 maintain referral letter"

// NewLetterRequest checks docs and builds the A012 request body. A012
// replaces the referral's whole set of letter attachments, so docs must be
// every attachment the referral is to keep, not only new ones; the set can
// never be empty. A failing field is a *RequestError naming it; no body is
// built.
func NewLetterRequest(docs ...Document) (*LetterRequest, error) {
	var ch checker
	if len(docs) == 0 {
		ch.fail("documents", "min", "at least one attachment is required: A012 replaces the whole set, which cannot be empty")
	}
	seen := make(map[string]bool, len(docs))
	for i, d := range docs {
		p := index("documents", i)
		switch {
		case !isBinaryRef(d.Location):
			ch.fail(p+".location", "binary", "must be the Binary/<id> location an upload returned")
		case seen[d.Location]:
			ch.fail(p+".location", "unique", "the same file is attached twice")
		}
		seen[d.Location] = true
		if d.Indexed.IsZero() {
			ch.fail(p+".indexed", "required", "the time the document was indexed is required")
		}
		if hasTextControl(d.Description) {
			ch.fail(p+".description", "control", "control characters other than newline and tab are not allowed")
		}
	}
	if err := ch.err(opLetter); err != nil {
		return nil, err
	}
	ps := make([]param, len(docs))
	for i, d := range docs {
		ps[i] = param{Name: "referralLetterFile", Resource: &documentReference{
			ResourceType: "DocumentReference",
			Meta:         profile(profileDocumentRef),
			Type:         codeableConcept{Coding: []coding{{System: systemAttachmentType, Code: attachmentTypeReferrer}}},
			Status:       "current",
			Indexed:      d.Indexed.UTC().Format("2006-01-02T15:04:05.000000-07:00"),
			Description:  d.Description,
			Content:      []docContent{{Attachment: docAttachment{URL: d.Location}}},
		}}
	}
	return &LetterRequest{body: parameters{ResourceType: "Parameters", Meta: profile(profileMaintainLetter), Parameter: ps}}, nil
}
