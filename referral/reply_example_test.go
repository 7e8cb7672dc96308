package referral_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/refletter/refletter/referral"
)

func ExampleComposeReply() {
	ref, err := referral.Decode(strings.NewReader(exampleJSON))
	if err != nil {
		fmt.Println(err)
		return
	}
	ret, err := referral.DecodeReturned(strings.NewReader(`{
	  "date": "2026-11-27",
	  "by": "Dermatology Outpatients",
	  "reason": "Please use the dermatology referral proforma."
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	reply, err := referral.ComposeReply(ref, ret,
		referral.WithClock(func() time.Time { return time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC) }))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(reply.Meta.Title)
	for _, b := range reply.Blocks {
		if p, ok := b.(*referral.Paragraph); ok && (p.Strong || p.Path == "returned.reason") {
			fmt.Println(p.Text)
		}
	}
	// Output:
	// Reply to a returned referral: Dermatology Outpatients
	// Re: Mr Łukasz Nowak
	// Born 14 May 1980, NHS number 999 000 0026
	// 3 Mill Lane, Leeds, LS6 2AB
	// Referral of 20 November 2026 to Dermatology Outpatients, returned on 27 November 2026
	// The referral above was returned to the practice by Dermatology Outpatients, giving this reason:
	// “Please use the dermatology referral proforma.”
}
