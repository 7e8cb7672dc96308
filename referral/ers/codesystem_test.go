package ers

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestConceptActiveAt(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	c := Concept{EffectiveFrom: day(2026, 4, 1), EffectiveTo: day(2027, 4, 1)}
	tests := []struct {
		at   time.Time
		want bool
	}{
		{day(2026, 3, 31), false},
		{day(2026, 4, 1), true},
		{day(2027, 3, 31), true},
		{day(2027, 4, 1), false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, c.ActiveAt(tt.at), tt.at.Format(time.DateOnly))
	}
	assert.True(t, Concept{}.ActiveAt(day(1990, 1, 1)), "no bounds: always active")
}

func TestParseCodeSystemBadAnswers(t *testing.T) {
	tests := map[string]string{
		"not JSON":             `{`,
		"not a CodeSystem":     `{"resourceType":"ValueSet"}`,
		"concept with no code": `{"resourceType":"CodeSystem","concept":[{"display":"Allergy"}]}`,
		"unreadable date":      `{"resourceType":"CodeSystem","concept":[{"code":"A","property":[{"code":"effectiveTo","valueDateTime":"09/05/2008"}]}]}`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := parseCodeSystem([]byte(body))
			assert.ErrorIs(t, err, ErrBadResponse)
		})
	}
}
