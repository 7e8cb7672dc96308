package referral

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPatientCopyFormatRules(t *testing.T) {
	tests := []struct {
		name string
		f    PatientCopyFormat
		want []string // "path rule"
	}{
		{"standard", PatientCopyFormat{Kind: CopyStandard}, nil},
		{"large print", PatientCopyFormat{Kind: CopyLargePrint, PointSize: 18}, nil},
		{"large print smallest", PatientCopyFormat{Kind: CopyLargePrint, PointSize: 14}, nil},
		{"large print largest", PatientCopyFormat{Kind: CopyLargePrint, PointSize: 36}, nil},
		{"large print needs a size", PatientCopyFormat{Kind: CopyLargePrint}, []string{"communication.patientCopyFormat.pointSize point-size"}},
		{"large print too small", PatientCopyFormat{Kind: CopyLargePrint, PointSize: 13}, []string{"communication.patientCopyFormat.pointSize point-size"}},
		{"large print too large", PatientCopyFormat{Kind: CopyLargePrint, PointSize: 37}, []string{"communication.patientCopyFormat.pointSize point-size"}},
		{"size only for large print", PatientCopyFormat{Kind: CopyEasyRead, PointSize: 18}, []string{"communication.patientCopyFormat.pointSize point-size"}},
		{"other needs detail", PatientCopyFormat{Kind: CopyOther}, []string{"communication.patientCopyFormat.detail required"}},
		{"other with detail", PatientCopyFormat{Kind: CopyOther, Detail: "Moon type"}, nil},
		{"braille with detail", PatientCopyFormat{Kind: CopyBraille, Detail: "Grade 2"}, nil},
		{"kind missing", PatientCopyFormat{}, []string{"communication.patientCopyFormat.kind required"}},
		{"kind unknown", PatientCopyFormat{Kind: "fax"}, []string{"communication.patientCopyFormat.kind oneof"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fullReferral(t)
			f := tt.f
			r.Communication.PatientCopyFormat = &f
			err := r.validateAt(fixedClock())
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			var fes FieldErrors
			require.ErrorAs(t, err, &fes)
			assert.ElementsMatch(t, tt.want, pathRules(fes))
		})
	}
}

func TestDecodePointSize(t *testing.T) {
	for _, tc := range []struct {
		size string
		ok   bool
	}{{"18", true}, {"18.5", false}, {`"18"`, false}, {"1e2", false}, {"99999999999", false}} {
		doc := `{"communication": {"patientCopyFormat": {"kind": "large-print", "pointSize": ` + tc.size + `}}}`
		_, err := Decode(strings.NewReader(doc))
		var fes FieldErrors
		if err != nil {
			require.ErrorAs(t, err, &fes, tc.size)
		}
		var typeErr bool
		for _, fe := range fes {
			if fe.Path == "communication.patientCopyFormat.pointSize" {
				typeErr = true
				assert.Equal(t, RuleType, fe.Rule)
				assert.NotContains(t, fe.Message, tc.size)
			}
		}
		assert.Equal(t, !tc.ok, typeErr, tc.size)
	}
}

// TestPatientCopyWarning: a copy due in a format the library cannot make
// warns, naming the kind; one it can make, or no copy, does not.
func TestPatientCopyWarning(t *testing.T) {
	yes, no := true, false
	for _, tc := range []struct {
		kind    PatientCopyKind
		copy    *bool
		warn    bool
		pattern string
	}{
		{CopyEasyRead, &yes, true, "easy read"},
		{CopyBraille, &yes, true, "braille"},
		{CopyAudio, &yes, true, "audio"},
		{CopyOther, &yes, true, "other"},
		{CopyEasyRead, &no, false, ""},
		{CopyStandard, &yes, false, ""},
		{CopyLargePrint, &yes, false, ""},
		{CopyEmail, &yes, false, ""},
	} {
		r := fullReferral(t)
		r.Communication.PatientCopyFormat = &PatientCopyFormat{Kind: tc.kind, Detail: "Moon type, private detail"}
		if tc.kind == CopyLargePrint {
			r.Communication.PatientCopyFormat.PointSize = 18
		}
		r.Copies = &Copies{Patient: tc.copy}
		var got []Warning
		for _, w := range Decide(r).Warnings {
			if w.Code == WarnPatientFormat {
				got = append(got, w)
			}
		}
		if !tc.warn {
			assert.Empty(t, got, tc.kind)
			continue
		}
		require.Len(t, got, 1, tc.kind)
		assert.Equal(t, "communication.patientCopyFormat.kind", got[0].Path)
		assert.Contains(t, got[0].Message, tc.pattern)
		assert.NotContains(t, got[0].Message, "Moon", "the free-text detail is never repeated")
	}
}

// TestForPatient: the patient's copy is the same letter, headed "Copy for
// the patient", without the contractual statement; large print sets the
// text size; no copy due is an error.
func TestForPatient(t *testing.T) {
	r := fullReferral(t)
	yes := true
	r.Copies = &Copies{Patient: &yes}
	r.Communication.PatientCopyFormat = &PatientCopyFormat{Kind: CopyLargePrint, PointSize: 24}
	letter, err := Compose(r, WithClock(fixedClock))
	require.NoError(t, err)
	copyL, err := Compose(r, WithClock(fixedClock), ForPatient())
	require.NoError(t, err)

	assert.Zero(t, letter.Meta.TextSize, "the service's letter is standard print")
	assert.Equal(t, 24.0, copyL.Meta.TextSize)
	require.IsType(t, &Notice{}, copyL.Blocks[1], "headed after the letterhead")
	assert.Equal(t, "Copy for the patient", copyL.Blocks[1].(*Notice).Title)
	var rest []Block
	for i, b := range letter.Blocks {
		if _, ok := b.(*StatementBox); ok {
			continue
		}
		if i == 1 {
			rest = append(rest, copyL.Blocks[1])
		}
		rest = append(rest, b)
	}
	assert.Equal(t, rest, copyL.Blocks, "the same letter, headed, without the statement")
	var text bytes.Buffer
	require.NoError(t, copyL.WriteText(&text))
	assert.Contains(t, text.String(), "Copy for the patient")
	assert.Contains(t, text.String(), "Patient's copy of letters: large print (24 point)")

	r.Communication.PatientCopyFormat = &PatientCopyFormat{Kind: CopyStandard}
	copyL, err = Compose(r, WithClock(fixedClock), ForPatient())
	require.NoError(t, err)
	assert.Zero(t, copyL.Meta.TextSize)

	no := false
	r.Copies.Patient = &no
	_, err = Compose(r, WithClock(fixedClock), ForPatient())
	assert.ErrorIs(t, err, ErrNoPatientCopy)
}
