package referral

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGoStructForms checks that a referral built from Go structs takes the
// same input forms as its JSON: an NHS number with spaces or hyphens, a
// postcode in any case and spacing, a priority in any case or by an alias.
// Each validates, routes as its canonical form would, and prints (or hands
// off to eRS) in the canonical form.
func TestGoStructForms(t *testing.T) {
	tests := []struct {
		name     string
		nhs      NHSNumber
		postcode string
		priority Priority
		path     Path
	}{
		{"spaces", NHSNumber("999 000 0018"), "ls6 2ab", Priority("URGENT"), PathLetter},
		{"hyphens", NHSNumber("999-000-0018"), " LS62AB ", Priority(" Routine "), PathLetter},
		{"digits", NHSNumber("9990000018"), "LS6 2AB", PriorityUrgent, PathLetter},
		{"two-week wait by alias", NHSNumber("999 000 0018"), "ls6 2ab", Priority("2WW"), PathERS},
		{"two-week wait in words", NHSNumber("999-000-0018"), "Ls6  2Ab", Priority("Two Week Wait"), PathERS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fullReferral(t)
			r.Patient.NHSNumber, r.Patient.Address.Postcode, r.Priority = tt.nhs, tt.postcode, tt.priority
			require.NoError(t, r.Validate())
			assert.True(t, r.Patient.NHSNumber.Valid())
			assert.Equal(t, "999 000 0018", r.Patient.NHSNumber.String())

			rt := Decide(r)
			require.Equal(t, tt.path, rt.Path)
			if tt.path == PathERS {
				assert.Equal(t, NHSNumber("9990000018"), rt.Handoff.Patient.NHSNumber)
				assert.Equal(t, "LS6 2AB", rt.Handoff.Patient.Address.Postcode)
				_, err := Compose(r, WithClock(fixedClock))
				assert.ErrorIs(t, err, ErrTwoWeekWait)
				return
			}
			text := composeText(t, r)
			assert.Contains(t, text, "NHS number 999 000 0018")
			assert.Contains(t, text, "LS6 2AB")
		})
	}

	// A wrong check digit is named as such, spaces or not.
	r := fullReferral(t)
	r.Patient.NHSNumber = NHSNumber("999 000 0019")
	var fes FieldErrors
	require.True(t, errors.As(r.Validate(), &fes))
	assert.Equal(t, FieldErrors{{Path: "patient.nhsNumber", Rule: RuleNHSNumber, Message: "fails the NHS number check digit"}}, fes)
}
