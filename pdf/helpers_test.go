package pdf

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/referral"
)

var (
	update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")
	dump   = flag.String("dump", "", "write every PDF the tests make from testdata/referrals into this directory")
)

const referralsDir = "../testdata/referrals"

// fixedClock is the clock letters are composed with in tests.
func fixedClock() time.Time { return time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC) }

// letterFiles returns the letter-path referrals in testdata/referrals.
func letterFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(referralsDir, "*.json"))
	require.NoError(t, err)
	var out []string
	for _, f := range files {
		if !strings.HasPrefix(filepath.Base(f), "2ww-") {
			out = append(out, f)
		}
	}
	require.NotEmpty(t, out, "no letter-path referrals in %s", referralsDir)
	return out
}

// composeFile decodes and composes one referral file.
func composeFile(t testing.TB, path string) *referral.Letter {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	l, err := composeJSON(b)
	require.NoError(t, err, path)
	return l
}

func composeJSON(b []byte) (*referral.Letter, error) {
	ref, err := referral.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	l, err := referral.Compose(ref, referral.WithClock(fixedClock))
	if err != nil {
		return nil, err
	}
	if l == nil {
		return nil, errors.New("no letter")
	}
	return l, nil
}

// render renders l with r and fails the test on error.
func render(t testing.TB, r *Renderer, l *referral.Letter) ([]byte, []Warning) {
	t.Helper()
	var buf bytes.Buffer
	ws, err := r.Render(&buf, l)
	require.NoError(t, err)
	return buf.Bytes(), ws
}

// writeDump saves a PDF when -dump is given.
func writeDump(t testing.TB, name string, pdf []byte) {
	t.Helper()
	if *dump == "" {
		return
	}
	require.NoError(t, os.MkdirAll(*dump, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(*dump, name+".pdf"), pdf, 0o644))
}

// handLetter is a realistic letter built by hand, with every kind of
// block, for tests that change its content.
func handLetter() *referral.Letter {
	return &referral.Letter{
		Meta: referral.Meta{
			Title:    "Referral letter: Rheumatology",
			Subject:  "Urgent referral to Rheumatology",
			Author:   "Ashgrove Surgery",
			Creator:  "refletter",
			Language: "en-GB",
			Date:     referral.NewDate(2026, time.November, 21),
			Patient: referral.PageIdentity{
				Name:        "Ms Siobhán Ó Súilleabháin",
				DateOfBirth: "3 March 1961",
				NHSNumber:   "999 000 0018",
			},
			Confidentiality: "Confidential: this letter contains patient-identifiable information.",
			PageMark:        "Urgent",
		},
		Blocks: []referral.Block{
			&referral.Letterhead{Name: "Ashgrove Surgery", Lines: []string{"12 Ashgrove Road", "Leeds", "LS2 9JT"},
				Details: []referral.KeyValue{{Key: "Tel", Value: "0113 496 0000"}, {Key: "ODS code", Value: "B86001"}}, Path: "practice"},
			&referral.Addressee{Lines: []string{"Dr Anjali Patel", "Rheumatology Outpatients", "Leeds General Infirmary"}, Path: "recipient"},
			&referral.KeyValueList{Items: []referral.KeyValue{{Key: "Date", Value: "21 November 2026", Path: "date"}}, Path: "date"},
			&referral.Paragraph{Text: "Re: Ms Siobhán Ó Súilleabháin\nBorn 3 March 1961\nNHS number 999 000 0018", Strong: true, Path: "patient"},
			&referral.Summary{Title: "At a glance", Items: []referral.KeyValue{
				{Key: "Priority", Value: "Urgent", Path: "priority"},
				{Key: "Allergies", Value: "No known drug allergies", Path: "allergies"},
			}, Path: "priority"},
			&referral.Notice{Title: "URGENT REFERRAL", Lines: []string{"Reason for urgency: rising inflammatory markers."}, Urgent: true, Path: "priority"},
			&referral.Paragraph{Text: "Dear Dr Patel,", Path: "recipient.clinician"},
			&referral.Paragraph{Text: "I would be grateful if you could see Ms Ó Súilleabháin for assessment of an inflammatory arthritis.", Path: "reason"},
			&referral.Heading{Text: "History of presenting complaint", Path: "history"},
			&referral.Paragraph{Text: "Six weeks of morning stiffness lasting two hours, with swelling of both wrists and the small joints of the hands.", Path: "history"},
			&referral.Heading{Text: "Investigations", Path: "investigations"},
			&referral.Table{Header: []string{"Investigation", "Result", "Date", "Comment"}, Widths: []float64{3, 4, 2, 3},
				NoWrap: []bool{false, false, true, false},
				Rows: [][]string{
					{"CRP", "34 mg/L", "14 November 2026", "Raised"},
					{"Rheumatoid factor", "Positive, 86 IU/mL", "14 November 2026", ""},
				}, Path: "investigations"},
			&referral.Heading{Text: "Current medication", Path: "medications"},
			&referral.Table{Header: []string{"Medicine", "Dose", "Since"}, Widths: []float64{5, 4, 2},
				Rows: [][]string{{"Naproxen 500 mg tablets", "One twice daily with food", "2026-10"}}, Path: "medications.items"},
			&referral.Heading{Text: "Allergies and adverse reactions", Path: "allergies"},
			&referral.Paragraph{Text: "No known drug allergies.", Path: "allergies"},
			&referral.Heading{Text: "The patient's view", Path: "patientView"},
			&referral.KeyValueList{Items: []referral.KeyValue{
				{Key: "Knows of this referral", Value: "Yes", Path: "patientView.informed"},
				{Key: "Concerns and expectations", Value: "She is worried about keeping her job as a florist.", Path: "patientView.concerns"},
			}, Path: "patientView"},
			&referral.StatementBox{Title: "About this referral", Paragraphs: referral.DefaultStatement().Paragraphs,
				Citation: referral.DefaultStatement().Source, Path: "statement"},
			&referral.Signature{Closing: "Yours sincerely", Lines: []string{"Dr Łukasz Nowak", "GP Partner", "GMC 7123456", "Ashgrove Surgery"}, Path: "referrer"},
			&referral.CopyList{Lines: []string{"cc: the patient"}, Path: "copies"},
		},
	}
}

// blockIndex returns the index of the first block of l of the same type
// as like, with the given field.
func blockIndex(t testing.TB, l *referral.Letter, field string, like referral.Block) int {
	t.Helper()
	for i, b := range l.Blocks {
		if b.BlockPath() == field && fmt.Sprintf("%T", b) == fmt.Sprintf("%T", like) {
			return i
		}
	}
	t.Fatalf("no %T block for %s", like, field)
	return -1
}
