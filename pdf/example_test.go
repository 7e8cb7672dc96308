package pdf_test

import (
	"bytes"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/refletter/refletter/pdf"
	"github.com/refletter/refletter/referral"
)

// A fictional referral: test-range NHS number, drama-range phone numbers.
const referralJSON = `{
  "date": "2026-11-09",
  "priority": "routine",
  "referrer": {"name": "Grace Mensah", "role": "Advanced Nurse Practitioner", "nmcPin": "04I2837E", "phone": "0121 496 0345"},
  "practice": {"name": "Ladywood Family Practice", "odsCode": "M85055", "phone": "0121 496 0344",
    "address": {"lines": ["395 Ladywood Middleway"], "town": "Birmingham", "postcode": "B16 8DN"}},
  "recipient": {"service": "Hand Surgery Service"},
  "patient": {"givenName": "Darren", "familyName": "Whitehouse", "dateOfBirth": "1971-11-23", "nhsNumber": "9990000182",
    "address": {"lines": ["88 Stratford Road"], "postcode": "B12 9RS"}, "phones": [{"number": "07700 900521"}]},
  "reason": "Right carpal tunnel syndrome with constant numbness and thenar wasting.",
  "request": {"kind": "procedure", "detail": "Assessment for right carpal tunnel decompression."},
  "history": "Numbness of the right thumb, index and middle fingers for 14 months, now constant.",
  "medications": {"state": "recorded", "items": []},
  "allergies": {"state": "recorded", "items": []}
}`

func composed() *referral.Letter {
	ref, err := referral.Decode(strings.NewReader(referralJSON))
	if err != nil {
		log.Fatal(err)
	}
	letter, err := referral.Compose(ref)
	if err != nil {
		log.Fatal(err)
	}
	return letter
}

func ExampleRender() {
	letter := composed()

	var out bytes.Buffer
	warnings, err := pdf.Render(&out, letter)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.HasPrefix(out.String(), "%PDF-1."))
	fmt.Println(len(warnings), "warnings")
	// Output:
	// true
	// 0 warnings
}

func ExampleRenderer() {
	// Make one Renderer and share it: it loads the font and prepares
	// images once, and Render is safe for concurrent use.
	r, err := pdf.NewRenderer(
		pdf.WithCreationTime(time.Date(2026, 11, 9, 16, 45, 0, 0, time.UTC)),
		pdf.WithMargins(20),
	)
	if err != nil {
		log.Fatal(err)
	}
	letter := composed()
	letter.Meta.Patient.Name += " 🙂" // the font has no emoji

	var out bytes.Buffer
	warnings, err := r.Render(&out, letter)
	if err != nil {
		log.Fatal(err)
	}
	for _, w := range warnings {
		fmt.Println(w.Path + ": " + w.Message)
	}
	// Output:
	// patient: 1 character the font cannot show replaced by "[?]"
}

func ExampleWithLogo() {
	_, err := pdf.NewRenderer(pdf.WithLogo([]byte("not an image")))
	fmt.Println(err)
	// Output:
	// pdf: WithLogo: cannot read the image: not a PNG or JPEG image
}
