package pdf_test

import (
	"bytes"
	"fmt"
	"log"
	"strings"

	"github.com/refletter/refletter/pdf"
	"github.com/refletter/refletter/referral"
)

func ExampleRenderer_RenderAll() {
	ref, err := referral.Decode(strings.NewReader(referralJSON))
	if err != nil {
		log.Fatal(err)
	}
	original, err := referral.Compose(ref)
	if err != nil {
		log.Fatal(err)
	}
	ret, err := referral.DecodeReturned(strings.NewReader(
		`{"date": "2026-11-16", "by": "Hand Surgery Service", "reason": "Please use the hand surgery referral form."}`))
	if err != nil {
		log.Fatal(err)
	}
	reply, err := referral.ComposeReply(ref, ret)
	if err != nil {
		log.Fatal(err)
	}

	// One file to send back: the reply, then the original letter, each
	// numbering its own pages.
	r, err := pdf.NewRenderer()
	if err != nil {
		log.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := r.RenderAll(&out, reply, original); err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.HasPrefix(out.String(), "%PDF-1."))
	// Output: true
}
